package query

import "strings"

// litePath looks through arrays with json_each. Each array level's
// container is guarded so that json_each sees only arrays (it would
// otherwise list an object's members or a scalar itself).
func (w *sqlWriter) litePath(p plan) ([]frag, leaf) {
	var from []frag
	src, elem := lit(w.doc), ""
	for _, g := range p.groups {
		for level := 0; level < g.arrays; level++ {
			c, path := src, jsonPath(g.keys)
			if level > 0 {
				c, path = liteContainer(elem), "$"
			}
			elem = w.nextAlias()
			from = append(from, cat("json_each(CASE WHEN json_type(", c, ", ?) = 'array' THEN ", c, " END, ?) AS ", elem).
				with(path, path))
		}
		src = liteContainer(elem)
	}
	if p.loose {
		c, path := src, jsonPath(p.leafKeys)
		alias := w.nextAlias()
		from = append(from, cat("json_each(CASE WHEN json_type(", c, ", ?) <> 'object' THEN ", c, " END, ?) AS ", alias).
			with(path, path))
		return from, leaf{val: lit(alias + ".value"), typ: lit(alias + ".type")}
	}
	if len(p.leafKeys) == 0 {
		return from, leaf{val: lit(elem + ".value"), typ: lit(elem + ".type")}
	}
	path := jsonPath(p.leafKeys)
	return from, leaf{
		val: cat("json_extract(", src, ", ?)").with(path),
		typ: cat("json_type(", src, ", ?)").with(path),
	}
}

// with appends arguments to f.
func (f frag) with(args ...any) frag {
	f.args = append(append([]any(nil), f.args...), args...)
	return f
}

// liteContainer is an array element as JSON text if it is an object or an
// array, else NULL (json_each gives scalars as plain SQL values).
func liteContainer(alias string) frag {
	return lit("CASE WHEN " + alias + ".type IN ('object', 'array') THEN " + alias + ".value END")
}

// jsonPath is the SQLite JSON path of keys, each quoted (names with '"' or
// '\' are rejected by Check).
func jsonPath(keys []string) string {
	var b strings.Builder
	b.WriteString("$")
	for _, k := range keys {
		b.WriteString(`."`)
		b.WriteString(k)
		b.WriteString(`"`)
	}
	return b.String()
}

func liteCompare(op Op, k Kind, lf leaf, v value) frag {
	switch k {
	case KindString:
		return typed(lf, " = 'text'", liteString(op, lf.val, v.s))
	case KindNumber:
		return typed(lf, " IN ('integer', 'real')", cat(lf.val, sqlOp(op), "?").with(v.num))
	case KindBoolean:
		return cat("(", lf.typ, " = ?)").with(v.s)
	case KindDateTime:
		return typed(lf, " = 'text'",
			cat("strftime('%Y-%m-%dT%H:%M:%fZ', ", lf.val, ")", sqlOp(op), "?").with(sqliteTime(v.t)))
	}
	return liteOpen(op, lf, v)
}

func liteString(op Op, val frag, s string) frag {
	if op == Cont {
		return cat("instr(", val, ", ?) > 0").with(s)
	}
	return cat(val, sqlOp(op), "?").with(s)
}

// liteOpen compares a value of an open part by its JSON type.
func liteOpen(op Op, lf leaf, v value) frag {
	str := typed(lf, " = 'text'", liteString(op, lf.val, v.s))
	var num, boolean frag
	if v.isNum && op != Cont {
		num = typed(lf, " IN ('integer', 'real')", cat(lf.val, sqlOp(op), "?").with(v.num))
	}
	if v.isBool && op == Eq {
		boolean = cat("(", lf.typ, " = ?)").with(v.s)
	}
	return anyOf(str, num, boolean)
}
