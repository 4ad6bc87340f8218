//! The `gc_runs` table: a record of each garbage collection pass.

use super::{Db, flag, internal, new_id};
use app::domain::Error;
use sqlx::Row;

/// Passes kept; older ones are dropped as new ones are recorded.
const RUNS_KEPT: i64 = 500;

#[derive(Debug, Clone)]
pub struct GcRunRecord {
    pub id: i64,
    pub started_at: i64,
    pub duration_ms: i64,
    pub started_by: String,
    pub dry_run: bool,
    pub blobs_removed: i64,
    pub bytes_reclaimed: i64,
}

impl Db {
    pub async fn insert_gc_run(
        &self,
        started_at: i64,
        duration_ms: i64,
        started_by: &str,
        dry_run: bool,
        blobs_removed: i64,
        bytes_reclaimed: i64,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO gc_runs (id, started_at, duration_ms, started_by, dry_run, blobs_removed, bytes_reclaimed)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind(started_at)
        .bind(duration_ms)
        .bind(started_by)
        .bind(i64::from(dry_run))
        .bind(blobs_removed)
        .bind(bytes_reclaimed)
        .execute(&mut *self.write().await?)
        .await
        .map_err(internal("record gc run"))?;
        sqlx::query("DELETE FROM gc_runs WHERE id NOT IN (SELECT id FROM gc_runs ORDER BY started_at DESC LIMIT $1)")
            .bind(RUNS_KEPT)
            .execute(&mut *self.write().await?)
            .await
            .map_err(internal("trim gc runs"))?;
        Ok(())
    }

    /// Newest first.
    pub async fn list_gc_runs(&self, limit: i64) -> Result<Vec<GcRunRecord>, Error> {
        let rows = sqlx::query(
            "SELECT id, started_at, duration_ms, started_by, dry_run, blobs_removed, bytes_reclaimed
             FROM gc_runs ORDER BY started_at DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&mut *self.read().await?)
        .await
        .map_err(internal("list gc runs"))?;
        rows.iter()
            .map(|row| {
                Ok(GcRunRecord {
                    id: row.try_get("id")?,
                    started_at: row.try_get("started_at")?,
                    duration_ms: row.try_get("duration_ms")?,
                    started_by: row.try_get("started_by")?,
                    dry_run: flag(row.try_get("dry_run")?),
                    blobs_removed: row.try_get("blobs_removed")?,
                    bytes_reclaimed: row.try_get("bytes_reclaimed")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(internal("decode gc runs"))
    }
}
