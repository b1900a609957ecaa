package store

import (
	"context"
	"database/sql"

	"gorm.io/gorm"
)

// SQLTx returns the database/sql transaction under the store transaction
// that ctx carries (see [DB.Tx]), so that code speaking database/sql (the
// job queue) can write in the same transaction as the collections.
// It reports false when ctx carries no transaction.
func SQLTx(ctx context.Context) (*sql.Tx, bool) {
	g, ok := ctx.Value(txKey{}).(*gorm.DB)
	if !ok {
		return nil, false
	}
	switch pool := g.Statement.ConnPool.(type) {
	case *sql.Tx:
		return pool, true
	case *gorm.PreparedStmtTX:
		// A gorm.DB opened with PrepareStmt wraps the transaction.
		tx, ok := pool.Tx.(*sql.Tx)
		return tx, ok
	}
	return nil, false
}
