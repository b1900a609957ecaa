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
			from = append(from, cat("json_each(CASE WHEN json_type(", c, ", ", arg(path), ") = 'array' THEN ", c,
				" END, ", arg(path), ") AS ", elem))
		}
		src = liteContainer(elem)
	}
	if p.loose {
		c, path := src, jsonPath(p.leafKeys)
		alias := w.nextAlias()
		from = append(from, cat("json_each(CASE WHEN json_type(", c, ", ", arg(path), ") <> 'object' THEN ", c,
			" END, ", arg(path), ") AS ", alias))
		return from, leaf{val: lit(alias + ".value"), typ: lit(alias + ".type")}
	}
	if len(p.leafKeys) == 0 {
		return from, leaf{val: lit(elem + ".value"), typ: lit(elem + ".type")}
	}
	path := jsonPath(p.leafKeys)
	return from, leaf{
		val: cat("json_extract(", src, ", ", arg(path), ")"),
		typ: cat("json_type(", src, ", ", arg(path), ")"),
	}
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
		return typed(lf, " IN ('integer', 'real')", cat(lf.val, sqlOp(op), arg(v.num)))
	case KindBoolean:
		return cat("(", lf.typ, " = ", arg(v.s), ")")
	case KindDateTime:
		return typed(lf, " = 'text'", cat(liteTime(lf.val), sqlOp(op), arg(sqliteTime(v.t))))
	}
	return liteOpen(op, lf, v)
}

func liteString(op Op, val frag, s string) frag {
	if op == Cont {
		return cat("instr(", val, ", ", arg(s), ") > 0")
	}
	return cat(val, sqlOp(op), arg(s))
}

// liteOpen compares a value of an open part by its JSON type.
func liteOpen(op Op, lf leaf, v value) frag {
	str := typed(lf, " = 'text'", liteString(op, lf.val, v.s))
	var num, boolean frag
	if v.isNum && op != Cont {
		num = typed(lf, " IN ('integer', 'real')", cat(lf.val, sqlOp(op), arg(v.num)))
	}
	if v.isBool && op == Eq {
		boolean = cat("(", lf.typ, " = ", arg(v.s), ")")
	}
	return anyOf(str, num, boolean)
}

// liteTime is a date-time (see dateTimePattern) normalised to UTC with
// milliseconds, else NULL. strftime alone is lenient: it takes a blank
// before the zone, no zone at all, hour 24 and February 30.
func liteTime(v frag) frag {
	return cat("CASE WHEN ", v, " GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]*'",
		" AND ", v, " NOT GLOB '*[^0-9TZ:.+-]*' AND (", v, " GLOB '*Z' OR ", v, " GLOB '*[+-][01][0-9]:[0-5][0-9]')",
		" AND substr(", v, ", 20, 1) IN ('Z', '+', '-', '.') AND substr(", v, ", 1, 4) <> '0000'",
		" AND substr(", v, ", 12, 2) < '24' AND date(substr(", v, ", 1, 10), '+0 days') = substr(", v, ", 1, 10)",
		" THEN strftime('%Y-%m-%dT%H:%M:%fZ', ", v, ") END")
}
