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
        .execute(&mut *self.write().await?)
        .await
        .map(|_| ())
        .map_err(internal("insert upload"))
    }

    /// Takes the upload for one writer while it stands at `size`: false if it has
    /// moved on or another request holds it (until `until`, should that one die).
    pub async fn lock_upload(&self, id: &str, size: i64, token: &str, now: i64, until: i64) -> Result<bool, Error> {
        sqlx::query(
            "UPDATE uploads SET lock_token = $1, locked_until = $2, updated_at = $3
             WHERE id = $4 AND size = $5 AND (lock_token IS NULL OR locked_until < $3)",
        )
        .bind(token)
        .bind(until)
        .bind(now)
        .bind(id)
        .bind(size)
        .execute(&mut *self.write().await?)
        .await
        .map(|r| r.rows_affected() > 0)
        .map_err(internal("lock upload"))
    }

    /// Lets go of an upload this writer held without moving it on (its write failed).
    pub async fn unlock_upload(&self, id: &str, token: &str) -> Result<(), Error> {
        sqlx::query("UPDATE uploads SET lock_token = NULL, locked_until = NULL WHERE id = $1 AND lock_token = $2")
            .bind(id)
            .bind(token)
            .execute(&mut *self.write().await?)
            .await
            .map(|_| ())
            .map_err(internal("unlock upload"))
    }

    /// Moves the upload this writer holds from `from` to `to` accepted bytes and lets
    /// go of it; false if it was cancelled or taken over in between.
    pub async fn advance_upload(&self, id: &str, from: i64, to: i64, token: &str, now: i64) -> Result<bool, Error> {
        sqlx::query(
            "UPDATE uploads SET size = $1, updated_at = $2, lock_token = NULL, locked_until = NULL
             WHERE id = $3 AND size = $4 AND lock_token = $5",
        )
        .bind(to)
        .bind(now)
        .bind(id)
        .bind(from)
        .bind(token)
        .execute(&mut *self.write().await?)
        .await
        .map(|r| r.rows_affected() > 0)
        .map_err(internal("advance upload"))
    }

    /// Removes the upload's record if it still stands at `size` and nobody else is
    /// writing into it (`token`: the finishing request's own hold, if it took one).
    /// The request finishing the upload claims it, and loses to any other that moved
    /// it on or holds it.
    pub async fn claim_upload(&self, id: &str, size: i64, token: Option<&str>, now: i64) -> Result<bool, Error> {
        sqlx::query(
            "DELETE FROM uploads WHERE id = $1 AND size = $2
             AND (lock_token IS NULL OR lock_token = $3 OR locked_until < $4)",
        )
        .bind(id)
        .bind(size)
        .bind(token.unwrap_or(""))
        .bind(now)
        .execute(&mut *self.write().await?)
        .await
        .map(|r| r.rows_affected() > 0)
        .map_err(internal("claim upload"))
    }

    pub async fn delete_upload_record(&self, id: &str) -> Result<(), Error> {
        sqlx::query("DELETE FROM uploads WHERE id = $1")
            .bind(id)
            .execute(&mut *self.write().await?)
            .await
            .map(|_| ())
            .map_err(internal("delete upload"))
    }

    /// Uploads untouched since `before`.
    pub async fn stale_uploads(&self, before: i64) -> Result<Vec<String>, Error> {
        sqlx::query("SELECT id FROM uploads WHERE updated_at < $1")
            .bind(before)
            .fetch_all(&mut *self.read().await?)
            .await
            .and_then(|rows| rows.iter().map(|r| r.try_get::<String, _>("id")).collect())
            .map_err(internal("list stale uploads"))
    }
}
