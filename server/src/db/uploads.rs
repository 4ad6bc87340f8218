//! The `uploads` table: blob uploads in progress, always looked up with the registry
//! and repository they were started for.

use super::{internal, Db};
use app::domain::Error;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct UploadRecord {
    pub id: String,
    pub size: i64,
    pub started_at: i64,
}

impl Db {
    pub async fn insert_upload(&self, id: &str, registry_id: i64, repository: &str, now: i64) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO uploads (id, registry_id, repository, size, started_at, updated_at) VALUES ($1, $2, $3, 0, $4, $4)",
        )
        .bind(id)
        .bind(registry_id)
        .bind(repository)
        .bind(now)
        .execute(self.pool())
        .await
        .map(|_| ())
        .map_err(internal("insert upload"))
    }

    /// Moves the upload from `from` to `to` accepted bytes; false if another request
    /// changed it in between (the caller then reports a range error).
    pub async fn advance_upload(&self, id: &str, from: i64, to: i64, now: i64) -> Result<bool, Error> {
        sqlx::query("UPDATE uploads SET size = $1, updated_at = $2 WHERE id = $3 AND size = $4")
            .bind(to)
            .bind(now)
            .bind(id)
            .bind(from)
            .execute(self.pool())
            .await
            .map(|r| r.rows_affected() > 0)
            .map_err(internal("advance upload"))
    }

    /// Removes the upload's record only if it still stands at `size`: the request
    /// finishing the upload claims it, and loses to any request that moved it on.
    pub async fn claim_upload(&self, id: &str, size: i64) -> Result<bool, Error> {
        sqlx::query("DELETE FROM uploads WHERE id = $1 AND size = $2")
            .bind(id)
            .bind(size)
            .execute(self.pool())
            .await
            .map(|r| r.rows_affected() > 0)
            .map_err(internal("claim upload"))
    }

    pub async fn delete_upload_record(&self, id: &str) -> Result<(), Error> {
        sqlx::query("DELETE FROM uploads WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await
            .map(|_| ())
            .map_err(internal("delete upload"))
    }

    /// Uploads untouched since `before`.
    pub async fn stale_uploads(&self, before: i64) -> Result<Vec<String>, Error> {
        sqlx::query("SELECT id FROM uploads WHERE updated_at < $1")
            .bind(before)
            .fetch_all(self.pool())
            .await
            .and_then(|rows| rows.iter().map(|r| r.try_get::<String, _>("id")).collect())
            .map_err(internal("list stale uploads"))
    }
}
