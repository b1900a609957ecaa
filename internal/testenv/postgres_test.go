package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestPostgresFreshDatabasePerTest(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	var first string
	t.Run("first", func(t *testing.T) {
		dsn := Postgres(t)
		conn := mustConnect(ctx, t, dsn)
		first = currentDatabase(ctx, t, conn)
		if n := tableCount(ctx, t, conn); n != 0 {
			t.Fatalf("fresh database %s has %d tables", first, n)
		}
		if _, err := conn.Exec(ctx, "CREATE TABLE vnf (id text PRIMARY KEY)"); err != nil {
			t.Fatalf("create table: %v", err)
		}
		// left open on purpose: the cleanup must drop the database anyway
	})
	if t.Failed() || first == "" {
		return
	}

	dsn := Postgres(t)
	conn := mustConnect(ctx, t, dsn)
	second := currentDatabase(ctx, t, conn)
	if second == first {
		t.Fatalf("two tests got the same database %s", first)
	}
	if n := tableCount(ctx, t, conn); n != 0 {
		t.Errorf("second database %s has %d tables", second, n)
	}
	var exists bool
	err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", first).Scan(&exists)
	if err != nil {
		t.Fatalf("look up %s: %v", first, err)
	}
	if exists {
		t.Errorf("database %s of the finished subtest was not dropped", first)
	}
}

func mustConnect(ctx context.Context, t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

func currentDatabase(ctx context.Context, t *testing.T, conn *pgx.Conn) string {
	t.Helper()
	var name string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
		t.Fatalf("current_database: %v", err)
	}
	return name
}

func tableCount(ctx context.Context, t *testing.T, conn *pgx.Conn) int {
	t.Helper()
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").Scan(&n); err != nil {
		t.Fatalf("count tables: %v", err)
	}
	return n
}
