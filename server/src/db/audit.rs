//! The `audit_log` table.

use super::{Db, internal, new_id};

/// Audit ids grow with time (milliseconds in the high bits, randomness below), so
/// entries written in the same millisecond still sort in a stable order.
fn audit_id(at: i64) -> i64 {
    (at << 20) | (new_id() & 0xF_FFFF)
}
use super::transaction::Tx;
use app::domain::Error;
use sqlx::{AnyConnection, Row};

impl Tx<'_> {
    /// The audit row of a change made in this transaction: both commit or neither.
    pub async fn insert_audit(&mut self, record: AuditRecord<'_>) -> Result<(), Error> {
        insert_audit(self.conn(), record).await
    }
}

async fn insert_audit(conn: &mut AnyConnection, record: AuditRecord<'_>) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO audit_log (id, workspace_id, actor, action, resource_type, resource, detail, client_addr, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(audit_id(record.at))
    .bind(record.workspace_id)
    .bind(record.actor)
    .bind(record.action)
    .bind(record.resource_type)
    .bind(record.resource)
    .bind(record.detail)
    .bind(record.client_addr)
    .bind(record.at)
    .execute(conn)
    .await
    .map(|_| ())
    .map_err(internal("insert audit entry"))
}

pub struct AuditRecord<'a> {
    pub workspace_id: Option<i64>,
    pub actor: &'a str,
    pub action: &'a str,
    pub resource_type: &'a str,
    pub resource: &'a str,
    pub detail: Option<&'a str>,
    pub client_addr: &'a str,
    pub at: i64,
}

#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: i64,
    pub actor: String,
    pub action: String,
    pub resource_type: String,
    pub resource: String,
    pub detail: Option<String>,
    pub client_addr: String,
    pub at: i64,
}

impl Db {
    /// One page of a workspace's log, newest first, and the total number of entries.
    pub async fn list_audit(&self, workspace_id: i64, limit: i64, offset: i64) -> Result<(Vec<AuditRow>, i64), Error> {
        let rows = sqlx::query(
            "SELECT id, actor, action, resource_type, resource, detail, client_addr, created_at FROM audit_log
             WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
        )
        .bind(workspace_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *self.read().await?)
        .await
        .map_err(internal("list audit"))?;
        let entries = rows
            .iter()
            .map(|r| {
                Ok(AuditRow {
                    id: r.try_get("id")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    resource_type: r.try_get("resource_type")?,
                    resource: r.try_get("resource")?,
                    detail: r.try_get("detail")?,
                    client_addr: r.try_get("client_addr")?,
                    at: r.try_get("created_at")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(internal("decode audit"))?;
        let total = sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE workspace_id = $1")
            .bind(workspace_id)
            .fetch_one(&mut *self.read().await?)
            .await
            .and_then(|row| row.try_get::<i64, _>("n"))
            .map_err(internal("count audit"))?;
        Ok((entries, total))
    }
}
