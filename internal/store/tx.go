package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/cadenza-mano/cadenza/internal/query"
)

type txKey struct{}

// Tx runs fn in one transaction: every collection call made with the ctx
// that fn receives joins it, so a state change and the work it implies (an
// outbox row, a job) commit or vanish together.
func (db *DB) Tx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	return db.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	})
}

// conn is the transaction of ctx if there is one, else the pool.
func (db *DB) conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx
	}
	return db.Gorm.WithContext(ctx)
}

// execer is what a collection's by-id queries need of a pool or a
// transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// sqlConn is the database/sql transaction of ctx if there is one, else
// the pool: conn for queries that bypass gorm.
func (db *DB) sqlConn(ctx context.Context) execer {
	if tx, ok := SQLTx(ctx); ok {
		return tx
	}
	return db.sql
}

// rebind turns the ? placeholders of q into PostgreSQL's $1, $2, …;
// queries given to it have no ? in literals.
func (db *DB) rebind(q string) string {
	if db.Dialect != query.Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r != '?' {
			b.WriteRune(r)
			continue
		}
		n++
		b.WriteString("$" + strconv.Itoa(n))
	}
	return b.String()
}

func (db *DB) inTx(ctx context.Context) bool {
	_, ok := ctx.Value(txKey{}).(*gorm.DB)
	return ok
}
