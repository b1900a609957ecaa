// Package query owns attribute-based filters over JSON documents: the
// version-neutral filter (a conjunction of terms such as "eq vnfInstanceName
// x"), the schema that says which attribute paths a resource has and of what
// kind, and two evaluations of the same filter that agree with each other:
// as a SQL WHERE fragment for SQLite (JSON1 over a TEXT column) and for
// PostgreSQL (jsonb), and in memory over decoded JSON.
//
// # Semantics
//
// A filter matches a document when every term matches. A term names an
// attribute path (a/b/c); arrays anywhere along the path, arrays of arrays
// and arrays of scalars included, are looked through, so the path reaches a
// set of leaf values and the term looks at each of them:
//
//   - eq and cont match when some leaf value equals, respectively contains,
//     some value of the term.
//   - neq and ncont are their negations: no leaf value equals (contains) any
//     value of the term. An absent attribute therefore matches neq.
//   - gt, gte, lt and lte take one value and match when some leaf value
//     compares so with it.
//
// Values are compared according to the attribute's kind: strings byte-wise
// (code-point order, whatever the database's collation), numbers
// numerically (as IEEE doubles), booleans as true or false, date-times as
// instants. A date-time is RFC 3339 with an explicit zone; a string that is
// not one never compares as one. The databases resolve instants to the
// millisecond (SQLite) or microsecond (PostgreSQL), Match to the
// nanosecond, so values closer than that may compare equal in SQL only.
// cont and ncont apply to strings only, gt and friends not to booleans.
//
// Open parts of a resource (maps such as extensions, metadata or
// vnfConfigurableProperties) admit any key path below them. Their leaf values
// are typed by the data: a JSON string compares as a string, a JSON number
// numerically when the term's value is a number, a JSON boolean when the
// value is true or false. An array found at the end of such a path is looked
// through once; arrays in the middle of it are not.
//
// Attribute paths come from the schema and values travel only as SQL
// arguments, so a filter cannot change the shape of the SQL it produces.
package query
