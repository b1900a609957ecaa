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
