//! The `sessions` table, as a tower-sessions store. Keys are the SHA-256 of the
//! session id; the user id is copied into its own column so a user's sessions can be
//! ended when they are disabled or their password is reset.

use super::transaction::Tx;
use super::{Db, internal, is_unique_violation, now_ms};
use app::domain::Error;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::fmt;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// The session key that holds the signed-in user's id.
pub const SESSION_USER_KEY: &str = "user_id";

#[derive(Clone)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        DbSessionStore { db }
    }
}

impl fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbSessionStore")
    }
}

fn id_hash(id: &Id) -> String {
    hex::encode(Sha256::digest(id.to_string().as_bytes()))
}

fn to_ms(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

fn backend(err: sqlx::Error) -> session_store::Error {
    tracing::error!(error = %err, "database: session store");
    session_store::Error::Backend("session storage failed".to_string())
}

fn unavailable(_: Error) -> session_store::Error {
    session_store::Error::Backend("session storage unavailable".to_string())
}

fn user_of(record: &Record) -> Option<i64> {
    record.data.get(SESSION_USER_KEY).and_then(|v| v.as_i64())
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        // A clash of random 128-bit ids is all but impossible; if it happens, draw again.
        loop {
            let result = sqlx::query("INSERT INTO sessions (id_hash, user_id, data, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(id_hash(&record.id))
                .bind(user_of(record))
                .bind(&data)
                .bind(to_ms(record.expiry_date))
                .execute(&mut *self.db.write().await.map_err(unavailable)?)
                .await;
            match result {
                Ok(_) => return Ok(()),
                Err(err) if is_unique_violation(&err) => record.id = Id::default(),
                Err(err) => return Err(backend(err)),
            }
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, data, expires_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (id_hash) DO UPDATE SET user_id = $2, data = $3, expires_at = $4",
        )
        .bind(id_hash(&record.id))
        .bind(user_of(record))
        .bind(&data)
        .bind(to_ms(record.expiry_date))
        .execute(&mut *self.db.write().await.map_err(unavailable)?)
        .await
        .map(|_| ())
        .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row = sqlx::query("SELECT data, expires_at FROM sessions WHERE id_hash = $1 AND expires_at > $2")
            .bind(id_hash(id))
            .bind(now_ms())
            .fetch_optional(&mut *self.db.read().await.map_err(unavailable)?)
            .await
            .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let data: String = row.try_get("data").map_err(backend)?;
        let expires_at: i64 = row.try_get("expires_at").map_err(backend)?;
        let data = serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp_nanos(i128::from(expires_at) * 1_000_000)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record { id: *id, data, expiry_date }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash(id))
            .execute(&mut *self.db.write().await.map_err(unavailable)?)
            .await
            .map(|_| ())
            .map_err(backend)
    }
}

impl Db {
    pub async fn purge_expired_sessions(&self, now: i64) -> Result<u64, Error> {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *self.write().await?)
            .await
            .map(|r| r.rows_affected())
            .map_err(internal("purge expired sessions"))
    }
}

impl Tx<'_> {
    /// Signs a user out everywhere.
    pub async fn delete_sessions_of_user(&mut self, user_id: i64) -> Result<u64, Error> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(self.conn())
            .await
            .map(|r| r.rows_affected())
            .map_err(internal("delete sessions of user"))
    }
}
