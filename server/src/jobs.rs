//! Background housekeeping. Every job is idempotent and keeps its state in the
//! database, so several replicas may run it at once.

use crate::db::now_ms;
use crate::services::Services;
use std::time::Duration;

const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(10 * 60);
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Removes expired sessions and sign-in throttle entries nobody needs any more.
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
        }
    })
}
