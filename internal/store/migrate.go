package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/cadenza-mano/cadenza/internal/query"
)

// ErrSchemaTooNew is returned by Open when a newer build has migrated the
// database past the versions this build knows.
var ErrSchemaTooNew = errors.New("database schema is newer than this build")

// migration is one forward step of the schema. Steps are never edited once
// released; a change of schema is a new step.
type migration struct {
	version int
	name    string
	up      func(tx *gorm.DB, d query.Dialect) error
}

// migrations is the schema's history, oldest first.
var migrations = []migration{
	{1, "document collections", func(tx *gorm.DB, d query.Dialect) error {
		for _, t := range []string{TableVNFPackages, TableSubscriptions, TableScratch} {
			if err := createCollection(tx, d, t); err != nil {
				return err
			}
		}
		return nil
	}},
	{2, "upload sources", func(tx *gorm.DB, d query.Dialect) error {
		return createCollection(tx, d, TableUploadSources)
	}},
	{3, "vnf instances and lcm operation occurrences", func(tx *gorm.DB, d query.Dialect) error {
		for _, t := range []string{"vnf_instances", "vnf_lcm_op_occs"} {
			if err := createCollection(tx, d, t); err != nil {
				return err
			}
		}
		return nil
	}},
	{4, "vim registry and grants", func(tx *gorm.DB, d query.Dialect) error {
		for _, t := range []string{"vims", "grants", "grant_usage"} {
			if err := createCollection(tx, d, t); err != nil {
				return err
			}
		}
		return nil
	}},
	{5, "vnf package usage", func(tx *gorm.DB, d query.Dialect) error {
		return createCollection(tx, d, "vnf_package_usage")
	}},
	{6, "list views", func(tx *gorm.DB, d query.Dialect) error {
		for _, t := range tablesAt6 {
			if err := addViewColumns(tx, t); err != nil {
				return err
			}
		}
		return nil
	}},
	{7, "jsonb documents on sqlite", func(tx *gorm.DB, d query.Dialect) error {
		if d != query.SQLite {
			return nil
		}
		for _, t := range tablesAt6 {
			if err := toJSONB(tx, t); err != nil {
				return err
			}
		}
		return nil
	}},
}

// tablesAt6 are the collection tables of schema version 6.
var tablesAt6 = []string{TableVNFPackages, TableSubscriptions, TableScratch, TableUploadSources,
	"vnf_instances", "vnf_lcm_op_occs", "vims", "grants", "grant_usage", "vnf_package_usage"}

// Names of the collection tables.
const (
	TableVNFPackages   = "vnf_packages"
	TableSubscriptions = "subscriptions"
	// TableUploadSources keeps upload_from_uri addresses and credentials
	// until their download is done.
	TableUploadSources = "upload_sources"
	// TableScratch is a collection for tests and benchmarks of the storage
	// layer itself; no service writes to it.
	TableScratch = "scratch_documents"
)

// Times are stored as Unix microseconds: parsing SQLite's text timestamps
// was a seventh of the cost of listing.
func createCollection(tx *gorm.DB, d query.Dialect, table string) error {
	ddl := `CREATE TABLE %s (
		seq INTEGER PRIMARY KEY AUTOINCREMENT,
		id TEXT NOT NULL UNIQUE,
		version INTEGER NOT NULL,
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL,
		doc TEXT NOT NULL CHECK (json_valid(doc)))`
	if d == query.Postgres {
		ddl = `CREATE TABLE %s (
		seq BIGSERIAL PRIMARY KEY,
		id TEXT NOT NULL UNIQUE,
		version BIGINT NOT NULL,
		created_at BIGINT NOT NULL,
		updated_at BIGINT NOT NULL,
		doc JSONB NOT NULL)`
	}
	if err := tx.Exec(fmt.Sprintf(ddl, table)).Error; err != nil {
		return fmt.Errorf("create table %s: %w", table, err)
	}
	return nil
}

// addViewColumns gives a collection's table the columns of its View: the
// encoded view and the Rev it was written under. Existing rows get none
// (Rev 0), which ListViews converts when it reads them. A collection
// created after migration 6 needs createCollection and then these.
func addViewColumns(tx *gorm.DB, table string) error {
	for _, col := range []string{"view TEXT", "view_rev BIGINT NOT NULL DEFAULT 0"} {
		if err := tx.Exec(fmt.Sprintf(`ALTER TABLE %s ADD COLUMN %s`, table, col)).Error; err != nil {
			return fmt.Errorf("add %s to %s: %w", col, table, err)
		}
	}
	return nil
}

// toJSONB rebuilds a SQLite collection table with its documents as JSONB,
// SQLite's binary JSON. Filters run JSON functions on every row they look
// at, and on text each call parses the document: on JSONB a filtered
// traversal of 50,000 packages took half the time. SQLite cannot change a
// column's type or CHECK in place, so the table is copied. The copy keeps
// seq, and the AUTOINCREMENT mark, so a seq is never given out twice.
func toJSONB(tx *gorm.DB, table string) error {
	tmp := table + "__jsonb"
	steps := []string{
		fmt.Sprintf(`CREATE TABLE %s (
		seq INTEGER PRIMARY KEY AUTOINCREMENT,
		id TEXT NOT NULL UNIQUE,
		version INTEGER NOT NULL,
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL,
		doc BLOB NOT NULL CHECK (json_valid(doc, 4)),
		view TEXT,
		view_rev BIGINT NOT NULL DEFAULT 0)`, tmp),
		fmt.Sprintf(`INSERT INTO %s (seq, id, version, created_at, updated_at, doc, view, view_rev)
		SELECT seq, id, version, created_at, updated_at, jsonb(doc), view, view_rev FROM %s`, tmp, table),
		fmt.Sprintf(`DELETE FROM sqlite_sequence WHERE name = '%s'`, tmp),
		fmt.Sprintf(`INSERT INTO sqlite_sequence (name, seq) SELECT '%s', seq FROM sqlite_sequence WHERE name = '%s'`, tmp, table),
		fmt.Sprintf(`DROP TABLE %s`, table),
		fmt.Sprintf(`ALTER TABLE %s RENAME TO %s`, tmp, table),
	}
	for _, q := range steps {
		if err := tx.Exec(q).Error; err != nil {
			return fmt.Errorf("%s as jsonb: %w", table, err)
		}
	}
	return nil
}

// migrationLockKey is the PostgreSQL advisory lock that serialises store
// migrations; the job queue's use 7302.
const migrationLockKey = 7301

// Migrate applies the migrations the database has not seen, each in its own
// transaction together with its record in schema_migrations. It refuses,
// with ErrSchemaTooNew and before changing anything, a database that a
// newer build has migrated: this build would misread what it does not know.
// Running it again is a no-op.
func (db *DB) Migrate(ctx context.Context) error {
	return db.migrateTo(ctx, migrations[len(migrations)-1].version)
}

// migrateTo applies the migrations up to version target. Processes that
// start at once are serialised: on PostgreSQL by a session advisory lock
// held for the whole run, since even CREATE TABLE IF NOT EXISTS fails in
// one of two sessions that run it together; on SQLite each migration's
// transaction takes the write lock at its start and checks again there
// whether another process has applied it.
func (db *DB) migrateTo(ctx context.Context, target int) error {
	unlock, err := db.lockMigrations(ctx)
	if err != nil {
		return fmt.Errorf("lock migrations: %w", err)
	}
	defer unlock()
	g := db.Gorm.WithContext(ctx)
	if err := g.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL)`).Error; err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	if err := checkKnown(g); err != nil {
		return err
	}
	for _, m := range migrations {
		if m.version > target {
			break
		}
		if err := g.Transaction(func(tx *gorm.DB) error { return apply(tx, db.Dialect, m) }); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}

// lockMigrations takes the migration lock on PostgreSQL, on a connection
// of its own that it keeps until unlock; elsewhere it does nothing.
func (db *DB) lockMigrations(ctx context.Context) (unlock func(), err error) {
	if db.Dialect != query.Postgres {
		return func() {}, nil
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockKey); err != nil {
		conn.Close()
		return nil, err
	}
	return func() {
		// A failed unlock leaves the lock to the session's end, which
		// closing a broken connection brings.
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLockKey)
		conn.Close()
	}, nil
}

// checkKnown fails with ErrSchemaTooNew if the database records a
// migration this build does not have.
func checkKnown(g *gorm.DB) error {
	latest := migrations[len(migrations)-1].version
	var newest int
	if err := g.Raw(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&newest).Error; err != nil {
		return fmt.Errorf("read schema_migrations: %w", err)
	}
	if newest > latest {
		return fmt.Errorf("%w: the database is at schema version %d, this build knows up to %d; "+
			"run a build at least as new as the one that migrated it", ErrSchemaTooNew, newest, latest)
	}
	return nil
}

// apply runs m in tx unless it is recorded as applied already.
func apply(tx *gorm.DB, d query.Dialect, m migration) error {
	var n int64
	if err := tx.Raw(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).
		Scan(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if err := m.up(tx, d); err != nil {
		return err
	}
	return tx.Exec(`INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.version, m.name).Error
}
