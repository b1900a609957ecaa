// Package store owns persistence: opening the SQLite or PostgreSQL database
// that a DSN names, the versioned schema migrations, and document
// collections: one table per resource kind whose rows hold the resource as a
// JSON document plus the columns that identify, order and version it.
//
// Listing runs in the database: a query.Filter becomes a WHERE clause over
// the JSON document (json_extract/json_each on SQLite, jsonb operators on
// PostgreSQL), and paging is keyset paging on the monotonic seq column, so a
// full traversal of a collection costs one index range scan per page.
package store
