//! Retention policies: a registry's clean-up rule, run on a schedule (or by hand),
//! for real or as a dry run, with a log of every run.
//!
//! Scheduling keeps no state in the process: each policy stores when it runs next, and
//! a replica that finds it due claims the run by moving that time forward with a
//! compare-and-set, so one run happens however many replicas look.

use super::Services;
use super::audit::Event;
use crate::db::registries::RegistryRecord;
use crate::db::retention::{RetentionPolicyRecord, RetentionRunRecord};
use crate::db::{new_id, now_ms};
use app::domain::Error;
use app::domain::cleanup::CleanupRule;
use app::domain::model::Id;
use app::domain::policy::{self, Action, Caller};
use app::domain::time::Timestamp;
use app::dto::{DeletedTag, RetentionPolicy, RetentionRun};

const HOUR_MS: i64 = 60 * 60 * 1000;
pub const SCHEDULES: [&str; 3] = ["hourly", "daily", "weekly"];
const RUNS_LISTED: i64 = 100;

fn interval_ms(schedule: &str) -> Option<i64> {
    match schedule {
        "hourly" => Some(HOUR_MS),
        "daily" => Some(24 * HOUR_MS),
        "weekly" => Some(7 * 24 * HOUR_MS),
        _ => None,
    }
}

/// What a registry shows before a policy was saved: off, keeping the 10 newest tags.
fn default_policy() -> RetentionPolicy {
    RetentionPolicy {
        enabled: false,
        schedule: "daily".into(),
        rule: CleanupRule { keep_latest: Some(10), ..Default::default() },
        dry_run: false,
        next_run_at: None,
    }
}

fn to_policy(record: RetentionPolicyRecord) -> Result<RetentionPolicy, Error> {
    let rule = serde_json::from_str(&record.rule).map_err(|err| {
        tracing::error!(error = %err, registry_id = record.registry_id, "stored retention rule does not parse");
        Error::Internal
    })?;
    Ok(RetentionPolicy {
        enabled: record.enabled,
        next_run_at: record.enabled.then_some(Timestamp(record.next_run_at)),
        schedule: record.schedule,
        rule,
        dry_run: record.dry_run,
    })
}

fn to_run(record: RetentionRunRecord) -> RetentionRun {
    RetentionRun {
        id: Id(record.id),
        started_at: Timestamp(record.started_at),
        finished_at: Timestamp(record.finished_at),
        started_by: record.started_by,
        dry_run: record.dry_run,
        rule: record.rule,
        tags_deleted: record.tags_deleted,
        tags_protected: record.tags_protected,
        bytes_freed: record.bytes_freed,
        tags: serde_json::from_str(&record.tags).unwrap_or_default(),
        error: record.error,
    }
}

impl Services {
    /// `GET …/retention`
    pub async fn retention_policy(&self, caller: &Caller, registry: &str) -> Result<RetentionPolicy, Error> {
        let (registry, target) = self.registry_target(caller, registry).await?;
        policy::require(&caller.principal, Action::UpdateRegistry, target)?;
        match self.db.find_retention_policy(registry.id).await? {
            Some(record) => to_policy(record),
            None => Ok(default_policy()),
        }
    }

    /// `PUT …/retention`: saves the policy; an enabled one first runs one interval from now.
    pub async fn save_retention_policy(&self, caller: &Caller, registry: &str, new: RetentionPolicy) -> Result<RetentionPolicy, Error> {
        let (registry, target) = self.registry_target(caller, registry).await?;
        policy::require(&caller.principal, Action::UpdateRegistry, target)?;
        let Some(interval) = interval_ms(&new.schedule) else {
            return Err(Error::invalid("schedule", format!("must be one of {}", SCHEDULES.join(", "))));
        };
        new.rule.validate()?;
        let now = now_ms();
        let record = RetentionPolicyRecord {
            registry_id: registry.id,
            enabled: new.enabled,
            schedule: new.schedule.clone(),
            rule: serde_json::to_string(&new.rule).map_err(|_| Error::Internal)?,
            dry_run: new.dry_run,
            next_run_at: now + interval,
        };
        let state = if new.enabled { format!("on, {}", new.schedule) } else { "off".to_string() };
        let dry = if new.dry_run { ", dry run" } else { "" };
        let detail = format!("{state}{dry}: {}", new.rule.describe());
        let event = Event {
            workspace_id: Some(registry.workspace_id),
            action: "retention.update",
            resource_type: "registry",
            resource: &registry.name,
            detail: Some(detail),
        };
        let mut tx = self.db.begin().await?;
        tx.save_retention_policy(&record, now).await?;
        self.record_in(&mut tx, caller, event).await?;
        tx.commit().await?;
        to_policy(record)
    }

    /// `GET …/retention/runs`, newest first.
    pub async fn retention_runs(&self, caller: &Caller, registry: &str) -> Result<Vec<RetentionRun>, Error> {
        let (registry, target) = self.registry_target(caller, registry).await?;
        policy::require(&caller.principal, Action::UpdateRegistry, target)?;
        Ok(self.db.list_retention_runs(registry.id, RUNS_LISTED).await?.into_iter().map(to_run).collect())
    }

    /// `POST …/retention/runs`: runs the saved policy now (dry if it says so),
    /// whether or not it is enabled.
    pub async fn run_retention_now(&self, caller: &Caller, registry: &str) -> Result<RetentionRun, Error> {
        let (registry, target) = self.registry_target(caller, registry).await?;
        policy::require(&caller.principal, Action::UpdateRegistry, target)?;
        let Some(record) = self.db.find_retention_policy(registry.id).await? else {
            return Err(Error::Conflict("save a retention policy before running it".into()));
        };
        let run = self.execute_retention(&registry, &record, "manual", &caller.principal.display_name(), &caller.client_addr).await?;
        Ok(to_run(run))
    }

    /// Runs every enabled policy that is due; returns how many ran here.
    pub async fn run_due_retention(&self) -> Result<usize, Error> {
        let now = now_ms();
        let mut ran = 0;
        for record in self.db.due_retention_policies(now).await? {
            let interval = interval_ms(&record.schedule).unwrap_or(24 * HOUR_MS);
            if !self.db.claim_retention_run(record.registry_id, record.next_run_at, now + interval).await? {
                continue; // another replica took it
            }
            let Some(registry) = self.db.find_registry_by_id(record.registry_id).await? else { continue };
            self.execute_retention(&registry, &record, "schedule", "retention policy", "").await?;
            ran += 1;
        }
        Ok(ran)
    }

    async fn execute_retention(
        &self,
        registry: &RegistryRecord,
        record: &RetentionPolicyRecord,
        started_by: &str,
        actor: &str,
        client_addr: &str,
    ) -> Result<RetentionRunRecord, Error> {
        let started_at = now_ms();
        let rule: CleanupRule = serde_json::from_str(&record.rule).map_err(|_| Error::Internal)?;
        // A real run's deletions, its run record and its audit row commit together; a
        // run that fails rolls its deletions back and is recorded with its error.
        let mut tx = None;
        let outcome = async {
            let plan = self.plan_cleanup(registry.id, &rule, None, started_at).await?;
            let protected = plan.protected_count() as i64;
            if record.dry_run {
                let preview = plan.preview();
                Ok::<_, Error>((plan.deletable_tags(), preview.bytes_freed, protected))
            } else {
                let tx = tx.insert(self.db.begin().await?);
                let applied = self.apply_cleanup_plan(tx, &plan).await?;
                Ok((applied.deleted, applied.bytes_freed, protected))
            }
        }
        .await;
        if outcome.is_err() {
            tx = None;
        }
        let (tags, bytes_freed, protected, error): (Vec<DeletedTag>, i64, i64, Option<String>) = match outcome {
            Ok((tags, bytes, protected)) => (tags, bytes, protected, None),
            Err(err) => (Vec::new(), 0, 0, Some(err.to_string())),
        };
        let run = RetentionRunRecord {
            id: new_id(),
            registry_id: registry.id,
            started_at,
            finished_at: now_ms(),
            started_by: started_by.to_string(),
            dry_run: record.dry_run,
            rule: rule.describe(),
            tags_deleted: tags.len() as i64,
            tags_protected: protected,
            bytes_freed,
            tags: serde_json::to_string(&tags).map_err(|_| Error::Internal)?,
            error,
        };
        let mut tx = match tx {
            Some(tx) => tx,
            None => self.db.begin().await?,
        };
        tx.insert_retention_run(&run).await?;
        if !run.dry_run && run.tags_deleted > 0 {
            let detail = format!("{} tags deleted, {} bytes freed ({})", run.tags_deleted, run.bytes_freed, run.rule);
            let event = Event {
                workspace_id: Some(registry.workspace_id),
                action: "retention.run",
                resource_type: "registry",
                resource: &registry.name,
                detail: Some(detail),
            };
            self.record_as_in(&mut tx, actor, client_addr, event).await?;
        }
        tx.commit().await?;
        self.manifest_cache.invalidate();
        if run.tags_deleted > 0 && !run.dry_run {
            self.reclaim_in_background();
        }
        Ok(run)
    }
}
