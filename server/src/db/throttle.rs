//! The `login_throttle` table: failed sign-ins counted per key in a time window, and
//! the attempts on each key being checked right now.

use super::{Db, internal};
use app::domain::Error;
use sqlx::Row;

/// How many failures a key may have in a window before it is locked, and for how long.
/// A slot claimed this long ago belongs to a request that died mid-check.
const IN_FLIGHT_LAPSES_MS: i64 = 60_000;

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

    /// Claims a slot for one attempt on `key` before its credential is checked, so
    /// concurrent attempts cannot all pass a check made before any of them failed:
    /// one conditional statement. `false` (refused) when the key is locked, or when
    /// its failures in the window and the attempts still being checked fill the limit.
    pub async fn throttle_claim(&self, key: &str, rule: ThrottleRule, now: i64) -> Result<bool, Error> {
        let claimed = sqlx::query(
            "INSERT INTO login_throttle (throttle_key, failures, window_started_at, locked_until, in_flight, claimed_at)
             VALUES ($1, 0, $2, 0, 1, $2)
             ON CONFLICT (throttle_key) DO UPDATE SET
                failures = CASE WHEN login_throttle.window_started_at < $3 THEN 0 ELSE login_throttle.failures END,
                window_started_at = CASE WHEN login_throttle.window_started_at < $3 THEN $2
                                         ELSE login_throttle.window_started_at END,
                in_flight = CASE WHEN login_throttle.claimed_at < $4 THEN 1 ELSE login_throttle.in_flight + 1 END,
                claimed_at = $2
             WHERE login_throttle.locked_until <= $2
               AND (CASE WHEN login_throttle.window_started_at < $3 THEN 0 ELSE login_throttle.failures END)
                 + (CASE WHEN login_throttle.claimed_at < $4 THEN 0 ELSE login_throttle.in_flight END) < $5
             RETURNING in_flight",
        )
        .bind(key)
        .bind(now)
        .bind(now - rule.window_ms)
        .bind(now - IN_FLIGHT_LAPSES_MS)
        .bind(rule.max_failures)
        .fetch_optional(&mut *self.write().await?)
        .await
        .map_err(internal("claim throttle attempt"))?;
        Ok(claimed.is_some())
    }

    /// The claimed attempt failed: counts the failure and locks the key when it
    /// reaches the limit. Returns true when this failure locked it.
    pub async fn throttle_settle_failure(&self, key: &str, rule: ThrottleRule, now: i64) -> Result<bool, Error> {
        let locked_until = now + rule.lockout_ms;
        let row = sqlx::query(
            "UPDATE login_throttle SET
                in_flight = CASE WHEN in_flight > 0 THEN in_flight - 1 ELSE 0 END,
                locked_until = CASE WHEN failures + 1 >= $1 THEN $2 ELSE locked_until END,
                window_started_at = CASE WHEN failures + 1 >= $1 THEN $3 ELSE window_started_at END,
                failures = CASE WHEN failures + 1 >= $1 THEN 0 ELSE failures + 1 END
             WHERE throttle_key = $4
             RETURNING locked_until",
        )
        .bind(rule.max_failures)
        .bind(locked_until)
        .bind(now)
        .bind(key)
        .fetch_optional(&mut *self.write().await?)
        .await
        .map_err(internal("count throttle failure"))?;
        match row {
            Some(row) => Ok(row.try_get::<i64, _>("locked_until").map_err(internal("count throttle failure"))? == locked_until),
            None => Ok(false),
        }
    }

    /// The claimed attempt was never checked (the server was busy): it does not count.
    pub async fn throttle_release(&self, key: &str) -> Result<(), Error> {
        self.throttle_finish(key, false).await
    }

    /// The claimed attempt succeeded: earlier failures are forgiven.
    pub async fn throttle_succeed(&self, key: &str) -> Result<(), Error> {
        self.throttle_finish(key, true).await
    }

    async fn throttle_finish(&self, key: &str, forgive: bool) -> Result<(), Error> {
        sqlx::query(
            "UPDATE login_throttle SET in_flight = CASE WHEN in_flight > 0 THEN in_flight - 1 ELSE 0 END,
                                       failures = CASE WHEN $1 = 1 THEN 0 ELSE failures END
             WHERE throttle_key = $2",
        )
        .bind(forgive as i64)
        .bind(key)
        .execute(&mut *self.write().await?)
        .await
        .map(|_| ())
        .map_err(internal("finish throttle attempt"))
    }

    /// Counts one failure after the fact (for secrets too long to guess, where a
    /// count that runs slightly behind concurrent attempts does not matter);
    /// returns true when this failure locked the key.
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
        sqlx::query("UPDATE login_throttle SET locked_until = $1, failures = 0, window_started_at = $2 WHERE throttle_key = $3")
            .bind(now + rule.lockout_ms)
            .bind(now)
            .bind(key)
            .execute(&mut *self.write().await?)
            .await
            .map(|_| true)
            .map_err(internal("lock throttle key"))
    }

    /// Forgets keys whose window and lockout are both over.
    pub async fn throttle_purge(&self, older_than: i64) -> Result<u64, Error> {
        sqlx::query("DELETE FROM login_throttle WHERE window_started_at < $1 AND locked_until < $1 AND claimed_at < $1")
            .bind(older_than)
            .execute(&mut *self.write().await?)
            .await
            .map(|r| r.rows_affected())
            .map_err(internal("purge throttle"))
    }
}
