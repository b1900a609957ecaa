package store

import "context"

// LatestVersion is the schema version this build migrates to.
func LatestVersion() int { return migrations[len(migrations)-1].version }

// OpenAt opens the database dsn names and migrates it only up to version,
// as a build of that schema would have left it.
func OpenAt(ctx context.Context, dsn string, version int) (*DB, error) {
	db, err := connect(dsn, "")
	if err != nil {
		return nil, err
	}
	if err := db.migrateTo(ctx, version); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// InsertBeforeViews adds a document with the columns every schema version
// has, as a build from before the view columns wrote them.
func InsertBeforeViews(ctx context.Context, db *DB, table, id, doc string) error {
	now := int64(1_700_000_000_000_000)
	return db.Gorm.WithContext(ctx).Exec(`INSERT INTO `+table+
		` (id, version, created_at, updated_at, doc) VALUES (?, 1, ?, ?, ?)`, id, now, now, doc).Error
}
