//! The `login_throttle` table: failed sign-ins counted per key in a time window.

use super::{internal, Db};
use app::domain::Error;
use sqlx::Row;

/// How many failures a key may have in a window before it is locked, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleRule {
    pub max_failures: i64,
    pub window_ms: i64,
    pub lockout_ms: i64,
}

impl Db {
    /// When the key is locked, the milliseconds until it unlocks.
    pub async fn throttle_remaining_ms(&self, key: &str, now: i64) -> Result<Option<i64>, Error> {
        let row = sqlx::query("SELECT locked_until FROM login_throttle WHERE throttle_key = $1")
            .bind(key)
            .fetch_optional(&mut *self.read().await?)
            .await
            .map_err(internal("read throttle"))?;
        let locked_until: i64 = match row {
            Some(row) => row.try_get("locked_until").map_err(internal("read throttle"))?,
            None => return Ok(None),
        };
        Ok((locked_until > now).then_some(locked_until - now))
    }

    /// Counts one failure; returns true when this failure locked the key.
    pub async fn throttle_record_failure(&self, key: &str, rule: ThrottleRule, now: i64) -> Result<bool, Error> {
        let window_start = now - rule.window_ms;
        let failures: i64 = sqlx::query(
            "INSERT INTO login_throttle (throttle_key, failures, window_started_at, locked_until)
             VALUES ($1, 1, $2, 0)
             ON CONFLICT (throttle_key) DO UPDATE SET
                failures = CASE WHEN login_throttle.window_started_at < $3 THEN 1
                                ELSE login_throttle.failures + 1 END,
                window_started_at = CASE WHEN login_throttle.window_started_at < $3 THEN $2
                                         ELSE login_throttle.window_started_at END
             RETURNING failures",
        )
        .bind(key)
        .bind(now)
        .bind(window_start)
        .fetch_one(&mut *self.write().await?)
        .await
        .and_then(|row| row.try_get("failures"))
        .map_err(internal("count throttle failure"))?;

        if failures < rule.max_failures {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE login_throttle SET locked_until = $1, failures = 0, window_started_at = $2 WHERE throttle_key = $3",
        )
        .bind(now + rule.lockout_ms)
        .bind(now)
        .bind(key)
        .execute(&mut *self.write().await?)
        .await
        .map_err(internal("lock throttle key"))?;
        Ok(true)
    }

    pub async fn throttle_clear(&self, key: &str) -> Result<(), Error> {
        sqlx::query("DELETE FROM login_throttle WHERE throttle_key = $1")
            .bind(key)
            .execute(&mut *self.write().await?)
            .await
            .map(|_| ())
            .map_err(internal("clear throttle"))
    }

    /// Forgets keys whose window and lockout are both over.
    pub async fn throttle_purge(&self, older_than: i64) -> Result<u64, Error> {
        sqlx::query("DELETE FROM login_throttle WHERE window_started_at < $1 AND locked_until < $1")
            .bind(older_than)
            .execute(&mut *self.write().await?)
            .await
            .map(|r| r.rows_affected())
            .map_err(internal("purge throttle"))
    }
}
