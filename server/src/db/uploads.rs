//! The `uploads` table: blob uploads in progress, always looked up with the registry
//! and repository they were started for.

use super::{Db, internal};
use app::domain::Error;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct UploadRecord {
    pub id: String,
    pub size: i64,
    pub started_at: i64,
}

/// How many uploads may be open at once.
#[derive(Debug, Clone, Copy)]
pub struct UploadLimits {
    pub per_registry: i64,
    pub per_credential: i64,
}

/// Whether a new upload was opened, or which limit refused it.
#[derive(Debug, PartialEq, Eq)]
pub enum UploadOpened {
    Opened,
    RegistryFull,
    CredentialFull,
}

impl Db {
    /// Opens an upload unless the registry or the credential `started_by` already
    /// has its limit of uploads open: one conditional statement.
    pub async fn insert_upload(
        &self,
        id: &str,
        registry_id: i64,
        repository: &str,
        started_by: &str,
        limits: UploadLimits,
        now: i64,
    ) -> Result<UploadOpened, Error> {
        let inserted = sqlx::query(
            "INSERT INTO uploads (id, registry_id, repository, size, started_at, updated_at, started_by)
             SELECT $1, $2, $3, 0, $4, $4, $5
             WHERE (SELECT COUNT(*) FROM uploads WHERE registry_id = $2) < $6
               AND (SELECT COUNT(*) FROM uploads WHERE started_by = $5) < $7",
        )
        .bind(id)
        .bind(registry_id)
        .bind(repository)
        .bind(now)
        .bind(started_by)
        .bind(limits.per_registry)
        .bind(limits.per_credential)
        .execute(&mut *self.write().await?)
        .await
        .map_err(internal("insert upload"))?;
        if inserted.rows_affected() > 0 {
            return Ok(UploadOpened::Opened);
        }
        let open_here: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM uploads WHERE registry_id = $1")
            .bind(registry_id)
            .fetch_one(&mut *self.read().await?)
            .await
            .map_err(internal("count uploads"))?;
        Ok(if open_here >= limits.per_registry { UploadOpened::RegistryFull } else { UploadOpened::CredentialFull })
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
    /// Uploads idle since `before` that no request is writing into at `now`.
    pub async fn stale_uploads(&self, before: i64, now: i64) -> Result<Vec<String>, Error> {
        sqlx::query("SELECT id FROM uploads WHERE updated_at < $1 AND (locked_until IS NULL OR locked_until < $2)")
            .bind(before)
            .bind(now)
            .fetch_all(&mut *self.read().await?)
            .await
            .and_then(|rows| rows.iter().map(|r| r.try_get::<String, _>("id")).collect())
            .map_err(internal("list stale uploads"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: UploadLimits = UploadLimits { per_registry: 3, per_credential: 2 };

    async fn database() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display())).await.unwrap();
        db.migrate().await.unwrap();
        let mut conn = db.write().await.unwrap();
        sqlx::query("INSERT INTO workspaces (id, name, display_name, created_at, updated_at) VALUES (1, 'w', 'w', 0, 0)")
            .execute(&mut *conn)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO registries (id, workspace_id, name, visibility, description, created_at, updated_at)
             VALUES (7, 1, 'apps', 'private', '', 0, 0)",
        )
        .execute(&mut *conn)
        .await
        .unwrap();
        drop(conn);
        (dir, db)
    }

    #[tokio::test]
    async fn uploads_are_capped_per_credential_and_per_registry() {
        let (_dir, db) = database().await;
        assert_eq!(db.insert_upload("a", 7, "api", "robot:1", LIMITS, 0).await.unwrap(), UploadOpened::Opened);
        assert_eq!(db.insert_upload("b", 7, "api", "robot:1", LIMITS, 0).await.unwrap(), UploadOpened::Opened);
        assert_eq!(db.insert_upload("c", 7, "api", "robot:1", LIMITS, 0).await.unwrap(), UploadOpened::CredentialFull);
        assert_eq!(db.insert_upload("c", 7, "api", "user:2", LIMITS, 0).await.unwrap(), UploadOpened::Opened);
        assert_eq!(db.insert_upload("d", 7, "api", "user:3", LIMITS, 0).await.unwrap(), UploadOpened::RegistryFull);
    }

    #[tokio::test]
    async fn idle_uploads_are_stale_unless_a_writer_holds_them() {
        let (_dir, db) = database().await;
        let hour = 60 * 60 * 1000;
        for id in ["idle", "held", "fresh"] {
            db.insert_upload(id, 7, "api", id, LIMITS, 0).await.unwrap();
        }
        let now = 2 * hour;
        assert!(db.lock_upload("held", 0, "token", 0, now + hour).await.unwrap(), "a writer holds it past now");
        sqlx::query("UPDATE uploads SET updated_at = $1 WHERE id = 'fresh'")
            .bind(now)
            .execute(&mut *db.write().await.unwrap())
            .await
            .unwrap();
        assert_eq!(db.stale_uploads(now - hour, now).await.unwrap(), vec!["idle".to_string()]);
    }
}
