package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/cadenza-mano/cadenza/internal/query"
)

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
}

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

// Migrate applies the migrations the database has not seen, each in its own
// transaction together with its record in schema_migrations. On PostgreSQL
// an advisory lock serialises replicas that start at the same time.
func (db *DB) Migrate(ctx context.Context) error {
	g := db.Gorm.WithContext(ctx)
	if err := g.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL)`).Error; err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range migrations {
		if err := g.Transaction(func(tx *gorm.DB) error { return db.apply(tx, m) }); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}

func (db *DB) apply(tx *gorm.DB, m migration) error {
	if db.Dialect == query.Postgres {
		if err := tx.Exec(`SELECT pg_advisory_xact_lock(7301)`).Error; err != nil {
			return err
		}
	}
	var n int64
	if err := tx.Raw(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).
		Scan(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if err := m.up(tx, db.Dialect); err != nil {
		return err
	}
	return tx.Exec(`INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.version, m.name).Error
}
