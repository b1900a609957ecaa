package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/cadenza-mano/cadenza/internal/query"
	"github.com/cadenza-mano/cadenza/internal/store"
)

// Migrate brings River's tables in db up to the version this build uses.
// Processes that start at once are serialised: on SQLite every version is
// applied in one transaction, whose write lock is taken at its start; on
// PostgreSQL (where a version that adds an enum value cannot share a
// transaction with the next) a session advisory lock is held while the
// versions are applied one transaction each. Running it again is a no-op.
func Migrate(ctx context.Context, db *store.DB) error {
	sqlDB, err := db.Gorm.DB()
	if err != nil {
		return fmt.Errorf("migrate job queue: database handle: %w", err)
	}
	if db.Dialect == query.Postgres {
		err = migratePostgres(ctx, sqlDB)
	} else {
		err = migrateSQLite(ctx, db, sqlDB)
	}
	if err != nil {
		return fmt.Errorf("migrate job queue: %w", err)
	}
	return nil
}

func migrateSQLite(ctx context.Context, db *store.DB, sqlDB *sql.DB) error {
	migrator, err := rivermigrate.New(riversqlite.New(sqlDB), quietMigrations())
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(ctx context.Context) error {
		tx, _ := store.SQLTx(ctx)
		_, err := migrator.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil)
		return err
	})
}

func migratePostgres(ctx context.Context, sqlDB *sql.DB) error {
	migrator, err := rivermigrate.New(riverdatabasesql.New(sqlDB), quietMigrations())
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationAdvisoryLockKey); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	defer func() {
		// A failed unlock leaves the lock to the session's end, which
		// closing a broken connection brings.
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationAdvisoryLockKey)
	}()
	_, err = migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

func quietMigrations() *rivermigrate.Config {
	return &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)}
}
