// Package jobs owns durable background work: a River job queue kept in the
// same database as the store (SQLite or PostgreSQL), its schema migrations,
// and the [Runner] that works the jobs.
//
// Because the queue lives beside the documents, a job is inserted in the
// same transaction as the state change that calls for it ([Runner.InsertTx]
// with a ctx from store.DB.Tx): the intent and the work commit together or
// not at all. A worker may finish its job in the transaction of its final
// state change ([CompleteTx]), so a crash can never leave the state changed
// but the job pending, or the reverse.
//
// A job survives the process that runs it: when a process dies mid-job
// (kill -9, power loss) the job stays "running" in the database until a
// live runner's rescuer, after Options.RescueStuckJobsAfter, makes it
// available again. The rescuer runs on the runner that leads maintenance,
// at its election and every 30 s; a killed leader's lease lasts up to 15 s
// more. Jobs are therefore run at least once, and workers must make their
// effect idempotent (re-read state, do only what is missing).
// Among several runners on one PostgreSQL database each job is locked by
// exactly one of them at a time (SELECT … FOR UPDATE SKIP LOCKED).
//
// Job lifecycle (River's states):
//
//	InsertTx ──► available ──fetch──► running ──ok / CompleteTx──► completed
//	                 ▲                   │
//	                 │                   ├──error, attempts left──► retryable ──back-off──┐
//	                 │                   ├──error, no attempts left──► discarded          │
//	                 │                   └──process died──(rescuer)──► retryable ─────────┤
//	                 └────────────────────────────────────────────────────────────────────┘
//
// On SQLite River shares the store's connection pool, and writers queue on
// SQLite's write lock (the store's busy timeout) rather than on a pool of
// one connection as River's SQLite driver suggests: a worker holding its
// transaction's connection while River needs another would deadlock such a
// pool.
//
// Job arguments carry identifiers, not state: a worker reads the current
// state when it runs, since the state may have changed since the insert.
package jobs
