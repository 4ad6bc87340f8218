//! Workspace members and their roles. Owners manage them; everyone in the workspace
//! may see them. A workspace always keeps at least one owner.

use super::Services;
use super::audit::Event;
use crate::db::now_ms;
use app::domain::model::Role;
use app::domain::policy::{self, Action, Caller};
use app::domain::time::Timestamp;
use app::domain::{Error, Resource};
use app::dto::Member;

impl Services {
    pub async fn list_members(&self, caller: &Caller, workspace: &str) -> Result<Vec<Member>, Error> {
        let (workspace, target) = self.workspace_target(caller, workspace).await?;
        policy::require(&caller.principal, Action::ViewWorkspace, target)?;
        Ok(self
            .db
            .list_members(workspace.id)
            .await?
            .into_iter()
            .map(|m| Member { username: m.username, role: m.role, added_at: Timestamp(m.added_at) })
            .collect())
    }

    /// Adds a user to the workspace with `role`, or changes their role.
    pub async fn set_member_role(&self, caller: &Caller, workspace: &str, username: &str, role: Role) -> Result<Member, Error> {
        let (workspace, target) = self.workspace_target(caller, workspace).await?;
        policy::require(&caller.principal, Action::ManageMembers, target)?;
        let user = self
            .db
            .find_user_by_username(username)
            .await?
            .ok_or_else(|| Error::invalid("username", format!("there is no user named '{username}'")))?;
        let previous = self.db.member_role(workspace.id, user.id).await?;
        if previous == Some(role) {
            return self.member(workspace.id, &user.username).await;
        }
        let (action, detail) = match previous {
            None => ("member.add", format!("role {}", role.as_str())),
            Some(old) => ("member.role_change", format!("role {} → {}", old.as_str(), role.as_str())),
        };
        let mut tx = self.db.begin().await?;
        tx.upsert_member(workspace.id, user.id, role, now_ms()).await?;
        self.record_in(&mut tx, caller, member_event(workspace.id, action, &user.username, Some(detail))).await?;
        tx.commit().await?;
        self.member(workspace.id, &user.username).await
    }

    pub async fn remove_member(&self, caller: &Caller, workspace: &str, username: &str) -> Result<(), Error> {
        let (workspace, target) = self.workspace_target(caller, workspace).await?;
        policy::require(&caller.principal, Action::ManageMembers, target)?;
        let user = self.db.find_user_by_username(username).await?.ok_or(Error::NotFound(Resource::Member))?;
        let mut tx = self.db.begin().await?;
        if !tx.delete_member(workspace.id, user.id).await? {
            return Err(Error::NotFound(Resource::Member));
        }
        self.record_in(&mut tx, caller, member_event(workspace.id, "member.remove", &user.username, None)).await?;
        tx.commit().await
    }

    async fn member(&self, workspace_id: i64, username: &str) -> Result<Member, Error> {
        self.db
            .list_members(workspace_id)
            .await?
            .into_iter()
            .find(|m| m.username == username)
            .map(|m| Member { username: m.username, role: m.role, added_at: Timestamp(m.added_at) })
            .ok_or(Error::NotFound(Resource::Member))
    }
}

fn member_event<'a>(workspace_id: i64, action: &'a str, username: &'a str, detail: Option<String>) -> Event<'a> {
    Event { workspace_id: Some(workspace_id), action, resource_type: "member", resource: username, detail }
}
