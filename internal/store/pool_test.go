package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/cadenza-mano/cadenza/internal/store"
)

// TestPoolExhaustionDoesNotDeadlock runs new statements at once inside
// transactions and outside them, with fewer connections than goroutines.
// A statement cache that prepares on the pool while transactions holding
// every connection wait for that same preparation (gorm's PrepareStmt
// does) hangs here; the engine's workers hit exactly that under load.
func TestPoolExhaustionDoesNotDeadlock(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, db *store.DB) {
		sqlDB, err := db.Gorm.DB()
		if err != nil {
			t.Fatal(err)
		}
		sqlDB.SetMaxOpenConns(2)
		const goroutines, rounds = 8, 40
		done := make(chan error, goroutines)
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				for r := range rounds {
					q := fmt.Sprintf("SELECT %d AS round", r)
					var err error
					if g%2 == 0 {
						err = db.Gorm.Transaction(func(tx *gorm.DB) error {
							if err := tx.Exec("SELECT 0").Error; err != nil {
								return err
							}
							return tx.Exec(q).Error
						})
					} else {
						err = db.Gorm.Exec(q).Error
					}
					if err != nil {
						done <- err
						return
					}
				}
			})
		}
		go func() { wg.Wait(); close(done) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(2 * time.Minute):
			t.Fatal("statements inside and outside transactions deadlocked on the connection pool")
		}
	})
}
