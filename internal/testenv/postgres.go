package testenv

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvPostgresDSN names the PostgreSQL server for tests; its user must be allowed to create databases.
const EnvPostgresDSN = "CADENZA_POSTGRES_DSN"

// DefaultPostgresDSN is the server used when EnvPostgresDSN is unset and it answers.
const DefaultPostgresDSN = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Postgres creates a fresh, empty database for the test and returns its DSN; the database is
// dropped when the test ends. Without a reachable server the test ends (skip, or failure when
// required).
func Postgres(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(EnvPostgresDSN)
	if dsn == "" {
		dsn = DefaultPostgresDSN
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := connect(ctx, dsn)
	if err != nil {
		unavailable(tb, BackendPostgres, "%v (set %s)", err, EnvPostgresDSN)
	}
	defer admin.Close(context.Background())

	name := "cadenza_test_" + uniqueName(tb.Name(), "_", 63-len("cadenza_test_"))
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		tb.Fatalf("testenv: create database %s: %v", name, err)
	}
	tb.Cleanup(func() { dropDatabase(tb, dsn, ident) })
	testDSN, err := withDatabase(dsn, name)
	if err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	return testDSN
}

// connect opens a connection, bounded by probeTimeout.
func connect(ctx context.Context, dsn string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse postgres dsn: %w", err)
	}
	cfg.ConnectTimeout = probeTimeout
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to postgres %s:%d: %w", cfg.Host, cfg.Port, err)
	}
	return conn, nil
}

// dropDatabase drops the test database, closing connections the test left open.
func dropDatabase(tb testing.TB, dsn, ident string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := connect(ctx, dsn)
	if err != nil {
		tb.Errorf("testenv: drop database %s: %v", ident, err)
		return
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
		tb.Errorf("testenv: drop database %s: %v", ident, err)
	}
}

// withDatabase returns the DSN (URL or keyword/value form) with its database replaced.
func withDatabase(dsn, database string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parse postgres url: %w", err)
		}
		u.Path = "/" + database
		u.RawPath = ""
		return u.String(), nil
	}
	// keyword/value form: a later keyword overrides an earlier one
	quoted := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(database)
	return strings.TrimSpace(dsn + " dbname='" + quoted + "'"), nil
}
