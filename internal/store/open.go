package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/cadenza-mano/cadenza/internal/query"
)

// DB is an open database with the dialect its SQL must be written in.
type DB struct {
	Gorm    *gorm.DB
	Dialect query.Dialect
	// sql is the pool under Gorm. A collection's reads and writes by id
	// go to it directly: gorm's statement building and callbacks were a
	// tenth of an LCM operation's CPU time, for queries that never change.
	sql *sql.DB
}

// DefaultFile is the SQLite file used under the data dir when no DSN is given.
const DefaultFile = "cadenza.db"

// Open connects to the database dsn names: "postgres://…" or
// "postgresql://…" for PostgreSQL, "sqlite://PATH" or a plain file path for
// SQLite, or "" for DefaultFile under dataDir. It applies pending migrations.
func Open(ctx context.Context, dsn, dataDir string) (*DB, error) {
	db, err := connect(dsn, dataDir)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// connect opens the pool dsn names, without touching the schema.
func connect(dsn, dataDir string) (*DB, error) {
	dialector, dialect, err := dialectorFor(dsn, dataDir)
	if err != nil {
		return nil, err
	}
	g, err := gorm.Open(dialector, &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		// No PrepareStmt: its cache prepares a new statement on the
		// pool while holding a lock that transactions, each holding a
		// connection, wait on; with every connection in a transaction it
		// deadlocks (TestPoolExhaustionDoesNotDeadlock). pgx caches
		// prepared statements per connection by itself.
		NowFunc: func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("database handle: %w", err)
	}
	db := &DB{Gorm: g, Dialect: dialect, sql: sqlDB}
	if err := db.tune(); err != nil {
		return nil, err
	}
	return db, nil
}

func dialectorFor(dsn, dataDir string) (gorm.Dialector, query.Dialect, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgres.New(postgres.Config{DSN: dsn}), query.Postgres, nil
	case strings.Contains(dsn, "://") && !strings.HasPrefix(dsn, "sqlite://"):
		scheme, _, _ := strings.Cut(dsn, "://")
		return nil, 0, fmt.Errorf("unsupported database scheme %q: use postgres:// or sqlite://", scheme)
	}
	path := strings.TrimPrefix(dsn, "sqlite://")
	if path == "" {
		if dataDir == "" {
			return nil, 0, errors.New("no database: give a DSN or a data dir")
		}
		path = filepath.Join(dataDir, DefaultFile)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, 0, fmt.Errorf("create database dir: %w", err)
		}
	}
	// WAL lets readers run beside the one writer; busy_timeout makes a
	// second writer wait instead of failing with SQLITE_BUSY.
	sqliteDSN := path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	return sqlite.Open(sqliteDSN), query.SQLite, nil
}

func (db *DB) tune() error {
	sqlDB := db.sql
	// Idle connections are kept up to the open limit: with fewer, a busy
	// pool closes each connection handed back beyond them and opens a new
	// one for the next query, a fork of a PostgreSQL backend each time.
	open := 32
	if db.Dialect == query.SQLite {
		open = 8
	}
	sqlDB.SetMaxOpenConns(open)
	sqlDB.SetMaxIdleConns(open)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return nil
}

// Ping checks that the database answers; /readyz uses it.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.Gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close releases the connections.
func (db *DB) Close() error {
	sqlDB, err := db.Gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}
