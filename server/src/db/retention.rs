//! The `retention_policies` and `retention_runs` tables.

use super::transaction::Tx;
use super::{Db, flag, internal};
use app::domain::Error;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Runs kept per registry; older ones are dropped as new ones are recorded.
const RUNS_KEPT: i64 = 100;

#[derive(Debug, Clone)]
pub struct RetentionPolicyRecord {
    pub registry_id: i64,
    pub enabled: bool,
    pub schedule: String,
    /// JSON of `domain::cleanup::CleanupRule`.
    pub rule: String,
    pub dry_run: bool,
    pub next_run_at: i64,
}

#[derive(Debug, Clone)]
pub struct RetentionRunRecord {
    pub id: i64,
    pub registry_id: i64,
    pub started_at: i64,
    pub finished_at: i64,
    pub started_by: String,
    pub dry_run: bool,
    pub rule: String,
    pub tags_deleted: i64,
    pub tags_protected: i64,
    pub bytes_freed: i64,
    /// JSON list of `dto::DeletedTag`.
    pub tags: String,
    pub error: Option<String>,
}

const POLICY: &str = "SELECT registry_id, enabled, schedule, rule, dry_run, next_run_at FROM retention_policies";
const RUN: &str = "SELECT id, registry_id, started_at, finished_at, started_by, dry_run, rule, tags_deleted, tags_protected,
                          bytes_freed, tags, error FROM retention_runs";

fn policy(row: &AnyRow) -> Result<RetentionPolicyRecord, sqlx::Error> {
    Ok(RetentionPolicyRecord {
        registry_id: row.try_get("registry_id")?,
        enabled: flag(row.try_get("enabled")?),
        schedule: row.try_get("schedule")?,
        rule: row.try_get("rule")?,
        dry_run: flag(row.try_get("dry_run")?),
        next_run_at: row.try_get("next_run_at")?,
    })
}

fn run(row: &AnyRow) -> Result<RetentionRunRecord, sqlx::Error> {
    Ok(RetentionRunRecord {
        id: row.try_get("id")?,
        registry_id: row.try_get("registry_id")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        started_by: row.try_get("started_by")?,
        dry_run: flag(row.try_get("dry_run")?),
        rule: row.try_get("rule")?,
        tags_deleted: row.try_get("tags_deleted")?,
        tags_protected: row.try_get("tags_protected")?,
        bytes_freed: row.try_get("bytes_freed")?,
        tags: row.try_get("tags")?,
        error: row.try_get("error")?,
    })
}

impl Db {
    pub async fn find_retention_policy(&self, registry_id: i64) -> Result<Option<RetentionPolicyRecord>, Error> {
        sqlx::query(&format!("{POLICY} WHERE registry_id = $1"))
            .bind(registry_id)
            .fetch_optional(&mut *self.read().await?)
            .await
            .map_err(internal("find retention policy"))?
            .map(|row| policy(&row))
            .transpose()
            .map_err(internal("decode retention policy"))
    }

    /// Enabled policies whose next run is due.
    pub async fn due_retention_policies(&self, now: i64) -> Result<Vec<RetentionPolicyRecord>, Error> {
        sqlx::query(&format!("{POLICY} WHERE enabled = 1 AND next_run_at <= $1 ORDER BY next_run_at"))
            .bind(now)
            .fetch_all(&mut *self.read().await?)
            .await
            .and_then(|rows| rows.iter().map(policy).collect())
            .map_err(internal("due retention policies"))
    }

    /// Moves a due policy's next run from `seen` to `next`; false when another
    /// replica claimed this run first.
    pub async fn claim_retention_run(&self, registry_id: i64, seen: i64, next: i64) -> Result<bool, Error> {
        sqlx::query("UPDATE retention_policies SET next_run_at = $3 WHERE registry_id = $1 AND next_run_at = $2")
            .bind(registry_id)
            .bind(seen)
            .bind(next)
            .execute(&mut *self.write().await?)
            .await
            .map(|r| r.rows_affected() == 1)
            .map_err(internal("claim retention run"))
    }

    /// The registry's runs, newest first.
    pub async fn list_retention_runs(&self, registry_id: i64, limit: i64) -> Result<Vec<RetentionRunRecord>, Error> {
        sqlx::query(&format!("{RUN} WHERE registry_id = $1 ORDER BY started_at DESC LIMIT $2"))
            .bind(registry_id)
            .bind(limit)
            .fetch_all(&mut *self.read().await?)
            .await
            .and_then(|rows| rows.iter().map(run).collect())
            .map_err(internal("list retention runs"))
    }
}

impl Tx<'_> {
    pub async fn insert_retention_run(&mut self, record: &RetentionRunRecord) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO retention_runs (id, registry_id, started_at, finished_at, started_by, dry_run, rule, tags_deleted,
                                         tags_protected, bytes_freed, tags, error)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(record.id)
        .bind(record.registry_id)
        .bind(record.started_at)
        .bind(record.finished_at)
        .bind(&record.started_by)
        .bind(i64::from(record.dry_run))
        .bind(&record.rule)
        .bind(record.tags_deleted)
        .bind(record.tags_protected)
        .bind(record.bytes_freed)
        .bind(&record.tags)
        .bind(&record.error)
        .execute(self.conn())
        .await
        .map_err(internal("record retention run"))?;
        sqlx::query(
            "DELETE FROM retention_runs WHERE registry_id = $1 AND id NOT IN (
                SELECT id FROM retention_runs WHERE registry_id = $1 ORDER BY started_at DESC LIMIT $2)",
        )
        .bind(record.registry_id)
        .bind(RUNS_KEPT)
        .execute(self.conn())
        .await
        .map_err(internal("trim retention runs"))?;
        Ok(())
    }

    pub async fn save_retention_policy(&mut self, record: &RetentionPolicyRecord, now: i64) -> Result<(), Error> {
        sqlx::query("DELETE FROM retention_policies WHERE registry_id = $1")
            .bind(record.registry_id)
            .execute(self.conn())
            .await
            .map_err(internal("replace retention policy"))?;
        sqlx::query(
            "INSERT INTO retention_policies (registry_id, enabled, schedule, rule, dry_run, next_run_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(record.registry_id)
        .bind(i64::from(record.enabled))
        .bind(&record.schedule)
        .bind(&record.rule)
        .bind(i64::from(record.dry_run))
        .bind(record.next_run_at)
        .bind(now)
        .execute(self.conn())
        .await
        .map_err(internal("save retention policy"))?;
        Ok(())
    }
}
