//! Pull accounting. A manifest GET records a pull without waiting for the database:
//! pulls go into a channel, and a background task adds them up and writes them in
//! batches.

use crate::db::{Db, now_ms};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc;

#[derive(Clone)]
pub struct PullRecorder {
    sender: mpsc::UnboundedSender<(i64, Option<String>)>,
}

const FLUSH_EVERY: Duration = Duration::from_millis(500);

impl PullRecorder {
    /// Starts the writer task; returns the recorder to hand to the services.
    pub fn start(db: Db) -> PullRecorder {
        let (sender, mut receiver) = mpsc::unbounded_channel::<(i64, Option<String>)>();
        tokio::spawn(async move {
            let mut pending: HashMap<(i64, Option<String>), i64> = HashMap::new();
            while let Some(first) = receiver.recv().await {
                *pending.entry(first).or_default() += 1;
                // Let pulls accumulate briefly, then write them in one go.
                tokio::time::sleep(FLUSH_EVERY).await;
                while let Ok(key) = receiver.try_recv() {
                    *pending.entry(key).or_default() += 1;
                }
                let now = now_ms();
                for ((repository_id, tag), count) in pending.drain() {
                    if let Err(err) = db.add_pulls(repository_id, tag.as_deref(), count, now).await {
                        tracing::warn!(error = %err, "could not record pulls");
                    }
                }
            }
        });
        PullRecorder { sender }
    }

    pub fn record(&self, repository_id: i64, tag: Option<&str>) {
        let _ = self.sender.send((repository_id, tag.map(str::to_string)));
    }
}
