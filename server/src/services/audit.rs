//! The audit log: every state change records who, what, which resource, when and from
//! where. Owners and managers (and administrators) read a workspace's log.

use super::Services;
use crate::db::audit::AuditRecord;
use crate::db::now_ms;
use crate::db::transaction::Tx;
use app::domain::Error;
use app::domain::model::Id;
use app::domain::policy::{self, Action, Caller};
use app::domain::time::Timestamp;
use app::dto::{AuditEntry, AuditPage};

pub const MAX_PER_PAGE: i64 = 200;

/// One change to record.
pub struct Event<'a> {
    pub workspace_id: Option<i64>,
    /// `registry.create`, `member.role_change`, …
    pub action: &'a str,
    pub resource_type: &'a str,
    pub resource: &'a str,
    pub detail: Option<String>,
}

fn audit_record<'a>(actor: &'a str, client_addr: &'a str, event: &'a Event<'a>) -> AuditRecord<'a> {
    AuditRecord {
        workspace_id: event.workspace_id,
        actor,
        action: event.action,
        resource_type: event.resource_type,
        resource: event.resource,
        detail: event.detail.as_deref(),
        client_addr,
        at: now_ms(),
    }
}

impl Services {
    /// Records a change in the transaction that makes it: both commit or neither.
    pub(crate) async fn record_in(&self, tx: &mut Tx<'_>, caller: &Caller, event: Event<'_>) -> Result<(), Error> {
        tx.insert_audit(audit_record(&caller.principal.display_name(), &caller.client_addr, &event)).await
    }

    /// `record_in` for work nobody requested just now (a scheduled retention run):
    /// `actor` names what did it.
    pub(crate) async fn record_as_in(&self, tx: &mut Tx<'_>, actor: &str, client_addr: &str, event: Event<'_>) -> Result<(), Error> {
        tx.insert_audit(audit_record(actor, client_addr, &event)).await
    }

    pub async fn list_audit(&self, caller: &Caller, workspace: &str, page: i64, per_page: i64) -> Result<AuditPage, Error> {
        if page < 1 {
            return Err(Error::invalid("page", "must be 1 or more"));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(Error::invalid("per_page", format!("must be between 1 and {MAX_PER_PAGE}")));
        }
        let (workspace, target) = self.workspace_target(caller, workspace).await?;
        policy::require(&caller.principal, Action::ViewAudit, target)?;
        let offset = (page - 1).saturating_mul(per_page);
        let (rows, total) = self.db.list_audit(workspace.id, per_page, offset).await?;
        let entries = rows
            .into_iter()
            .map(|row| AuditEntry {
                id: Id(row.id),
                at: Timestamp(row.at),
                actor: row.actor,
                action: row.action,
                resource_type: row.resource_type,
                resource: row.resource,
                detail: row.detail,
                client_addr: row.client_addr,
            })
            .collect();
        Ok(AuditPage { entries, page, per_page, total })
    }
}
