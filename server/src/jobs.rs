//! Background housekeeping. Every job is idempotent and keeps its state in the
//! database, so several replicas may run it at once.

use crate::db::now_ms;
use crate::services::Services;
use std::time::Duration;

const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(10 * 60);
const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// An upload untouched this long has been abandoned by its client; with the
/// ten-minute round, it is gone within the hour.
const UPLOAD_MAX_IDLE_MS: i64 = 50 * 60 * 1000;

/// Removes expired sessions, sign-in throttle entries nobody needs any more,
/// abandoned uploads, and blobs nothing references (garbage collection).
pub fn spawn_housekeeping(services: Services) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(HOUSEKEEPING_EVERY);
        loop {
            tick.tick().await;
            let now = now_ms();
            match services.db.purge_expired_sessions(now).await {
                Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions removed"),
                _ => {}
            }
            let _ = services.db.throttle_purge(now - DAY_MS).await;
            match services.purge_stale_uploads(UPLOAD_MAX_IDLE_MS).await {
                Ok(n) if n > 0 => tracing::info!(uploads = n, "abandoned uploads removed"),
                _ => {}
            }
            if let Err(err) = services.collect_garbage_recorded("schedule").await {
                tracing::warn!(error = %err, "garbage collection failed");
            }
        }
    })
}

/// Runs retention policies when they are due (each run claimed by one replica).
pub fn spawn_retention(services: Services) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(services.config.retention_check_secs));
        loop {
            tick.tick().await;
            match services.run_due_retention().await {
                Ok(n) if n > 0 => tracing::info!(policies = n, "retention policies ran"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "retention check failed"),
            }
        }
    })
}
