package query

// pgPath looks through arrays with jsonb_array_elements, each fed only
// arrays (it fails on anything else).
func (w *sqlWriter) pgPath(p plan) ([]frag, leaf) {
	var from []frag
	src := lit(w.doc)
	for _, g := range p.groups {
		e := pgExtract(src, g.keys)
		for level := 0; level < g.arrays; level++ {
			alias := w.nextAlias()
			from = append(from, cat("jsonb_array_elements(CASE WHEN jsonb_typeof(", e, ") = 'array' THEN ", e,
				" END) AS ", alias, "(v)"))
			e = lit(alias + ".v")
		}
		src = e
	}
	x := pgExtract(src, p.leafKeys)
	if p.loose {
		alias := w.nextAlias()
		from = append(from, cat("jsonb_array_elements(CASE jsonb_typeof(", x, ") WHEN 'array' THEN ", x,
			" WHEN 'object' THEN NULL ELSE jsonb_build_array(", x, ") END) AS ", alias, "(v)"))
		x = lit(alias + ".v")
	}
	return from, leaf{val: x, typ: cat("jsonb_typeof(", x, ")")}
}

// pgExtract follows keys from src, each key an argument.
func pgExtract(src frag, keys []string) frag {
	if len(keys) == 0 {
		return src
	}
	f := cat("jsonb_extract_path(", src)
	for _, k := range keys {
		f = cat(f, ", ", arg(k))
	}
	return cat(f, ")")
}

// pgText is a JSON scalar as text; for a column, the column.
func pgText(lf leaf) frag {
	if lf.typ.sql == "" {
		return lf.val
	}
	return cat("(", lf.val, " #>> '{}')")
}

// pgCast reads the leaf as SQL type typ when its JSON type is jsonType;
// CASE keeps the cast from seeing other values.
func pgCast(lf leaf, jsonType, typ string) frag {
	if lf.typ.sql == "" {
		return lf.val
	}
	return cat("CASE WHEN ", lf.typ, " = '", jsonType, "' THEN CAST(", pgText(lf), " AS ", typ, ") END")
}

func pgCompare(op Op, k Kind, lf leaf, v value) frag {
	switch k {
	case KindString:
		return typed(lf, " = 'string'", pgString(op, pgText(lf), v.s))
	case KindNumber:
		return cat("(", pgCast(lf, "number", "double precision"), sqlOp(op), arg(v.num), ")")
	case KindBoolean:
		return cat("(", lf.typ, " = 'boolean' AND ", pgText(lf), " = ", arg(v.s), ")")
	case KindDateTime:
		return cat("(", pgTime(lf), sqlOp(op), arg(v.t), ")")
	}
	return pgOpen(op, lf, v)
}

// pgTime is the leaf as timestamptz when it is a date-time (see
// dateTimePattern), else NULL: the nested CASE keeps the cast from ever
// seeing anything else (an empty string, February 30), which would fail
// the whole query.
func pgTime(lf leaf) frag {
	if lf.typ.sql == "" {
		return lf.val
	}
	t := pgText(lf)
	daysInMonth := cat("EXTRACT(DAY FROM make_date(CAST(substr(", t, ", 1, 4) AS int), CAST(substr(", t,
		", 6, 2) AS int), 1) + interval '1 month - 1 day')")
	return cat("CASE WHEN ", lf.typ, " = 'string' AND ", t, " ~ ", arg(dateTimePattern), " AND substr(", t,
		", 1, 4) <> '0000' THEN CASE WHEN CAST(substr(", t, ", 9, 2) AS int) <= ", daysInMonth,
		" THEN CAST(", t, " AS timestamptz) END END")
}

func pgString(op Op, text frag, s string) frag {
	if op == Cont {
		return cat("strpos(", text, ", ", arg(s), ") > 0")
	}
	// COLLATE "C" compares bytes, as Go and SQLite do, whatever the
	// database's collation.
	return cat(text, ` COLLATE "C"`, sqlOp(op), arg(s))
}

// pgOpen compares a value of an open part by its JSON type.
func pgOpen(op Op, lf leaf, v value) frag {
	str := typed(lf, " = 'string'", pgString(op, pgText(lf), v.s))
	var num, boolean frag
	if v.isNum && op != Cont {
		num = cat("(", pgCast(lf, "number", "double precision"), sqlOp(op), arg(v.num), ")")
	}
	if v.isBool && op == Eq {
		boolean = cat("(", lf.typ, " = 'boolean' AND ", pgText(lf), " = ", arg(v.s), ")")
	}
	return anyOf(str, num, boolean)
}
