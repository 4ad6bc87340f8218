//! Online garbage collection: removes blobs no manifest references, while pushes and
//! pulls go on. First it removes the links (repository → blob) older than the grace
//! period that no manifest of their repository uses (left by deleted images and by
//! blobs pushed without a manifest), then the blobs no link and no manifest holds.
//!
//! Why it is safe: a push records (touches) its blob in the database *before* it puts
//! the bytes in place and links them, and collection only takes blobs untouched for a
//! grace period. Collection forgets the database row first (only if it is still
//! unreferenced and untouched, in one statement), then sets the bytes aside, then
//! checks whether a push recorded the blob again in the meantime: if so it puts the
//! bytes back, else it deletes them. Uploads in progress live in `uploads/` and are
//! never candidates.

use super::Services;
use crate::db::now_ms;
use app::domain::Error;
use app::domain::digest::Digest;
use app::domain::model::Id;
use app::domain::policy::{self, Action, Caller};
use app::domain::time::Timestamp;
use app::dto::{GcReport, GcRun};

const BATCH: i64 = 500;

impl Services {
    /// `POST /api/v1/admin/gc`: administrators run a pass now (or, with `dry_run`,
    /// only count what it would remove).
    pub async fn run_gc(&self, caller: &Caller, dry_run: bool) -> Result<GcReport, Error> {
        policy::require(&caller.principal, Action::ManageUsers, self.instance_target())?;
        let started = now_ms();
        let mut report = if dry_run {
            let candidates = self.db.unreferenced_blobs(now_ms() - self.config.gc_grace_ms, i64::MAX).await?;
            GcReport {
                blobs_removed: candidates.len() as u64,
                bytes_reclaimed: candidates.iter().map(|(_, size)| size).sum(),
                ..GcReport::default()
            }
        } else {
            self.collect_garbage(self.config.gc_grace_ms).await?
        };
        report.dry_run = dry_run;
        report.duration_ms = now_ms() - started;
        self.record_gc_run(started, "manual", &report).await?;
        Ok(report)
    }

    /// `GET /api/v1/admin/gc`: the last passes, newest first.
    pub async fn list_gc_runs(&self, caller: &Caller) -> Result<Vec<GcRun>, Error> {
        policy::require(&caller.principal, Action::ManageUsers, self.instance_target())?;
        Ok(self
            .db
            .list_gc_runs(100)
            .await?
            .into_iter()
            .map(|r| GcRun {
                id: Id(r.id),
                started_at: Timestamp(r.started_at),
                duration_ms: r.duration_ms,
                started_by: r.started_by,
                dry_run: r.dry_run,
                blobs_removed: r.blobs_removed,
                bytes_reclaimed: r.bytes_reclaimed,
            })
            .collect())
    }

    /// A pass started by the schedule or by a deletion, recorded for the admin page.
    pub(crate) async fn collect_garbage_recorded(&self, started_by: &str) -> Result<GcReport, Error> {
        let started = now_ms();
        let mut report = self.collect_garbage(self.config.gc_grace_ms).await?;
        report.duration_ms = now_ms() - started;
        self.record_gc_run(started, started_by, &report).await?;
        Ok(report)
    }

    async fn record_gc_run(&self, started: i64, started_by: &str, report: &GcReport) -> Result<(), Error> {
        let blobs = i64::try_from(report.blobs_removed).unwrap_or(i64::MAX);
        self.db.insert_gc_run(started, report.duration_ms, started_by, report.dry_run, blobs, report.bytes_reclaimed).await
    }

    /// One collection pass; `grace_ms` protects recent pushes.
    pub async fn collect_garbage(&self, grace_ms: i64) -> Result<GcReport, Error> {
        let mut report = GcReport::default();
        let cutoff = now_ms() - grace_ms;
        self.db.unlink_unreferenced_blobs(cutoff).await?;
        loop {
            let candidates = self.db.unreferenced_blobs(cutoff, BATCH).await?;
            if candidates.is_empty() {
                break;
            }
            let mut progressed = false;
            for (digest, size) in candidates {
                if !self.db.forget_blob(&digest, cutoff).await? {
                    continue; // re-linked or touched since it was listed
                }
                progressed = true;
                let Some(parsed) = Digest::parse(&digest) else { continue };
                let aside = match self.blobs.set_aside(&parsed).await {
                    Ok(aside) => aside,
                    Err(err) => {
                        tracing::error!(error = %err, digest, "gc: cannot set a blob aside");
                        continue;
                    }
                };
                let Some(token) = aside else { continue };
                let result = if self.db.blob_known(&digest).await? {
                    self.blobs.restore(&token, &parsed).await
                } else {
                    report.blobs_removed += 1;
                    report.bytes_reclaimed += size;
                    self.blobs.discard(&token).await
                };
                if let Err(err) = result {
                    tracing::error!(error = %err, digest, "gc: cannot finish with a blob");
                }
            }
            if !progressed {
                break;
            }
        }
        if report.blobs_removed > 0 {
            tracing::info!(blobs = report.blobs_removed, bytes = report.bytes_reclaimed, "garbage collected");
        }
        Ok(report)
    }
}
