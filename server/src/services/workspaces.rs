//! Workspaces: create (administrators, or everyone when the instance allows), list,
//! read, rename, delete.

use super::Services;
use super::audit::Event;
use crate::db::workspaces::WorkspaceRecord;
use crate::db::{new_id, now_ms};
use app::domain::Error;
use app::domain::model::Role;
use app::domain::names::{ResourceName, bounded_text};
use app::domain::policy::{self, Action, Caller, Principal};
use app::domain::time::Timestamp;
use app::dto::{NewWorkspace, Workspace, WorkspaceSummary};

pub const MAX_DISPLAY_NAME: usize = 100;

impl Services {
    /// The caller's workspaces; an administrator sees every workspace.
    pub async fn list_workspaces(&self, caller: &Caller) -> Result<Vec<WorkspaceSummary>, Error> {
        let user = policy::require_user(&caller.principal)?;
        let memberships = self.db.list_memberships(user.id).await?;
        let summary = |w: WorkspaceRecord, role| WorkspaceSummary {
            name: w.name,
            display_name: w.display_name,
            role,
            created_at: Timestamp(w.created_at),
        };
        if !user.is_admin {
            return Ok(memberships.into_iter().map(|(w, role)| summary(w, Some(role))).collect());
        }
        let all = self.db.list_all_workspaces().await?;
        Ok(all
            .into_iter()
            .map(|w| {
                let role = memberships.iter().find(|(m, _)| m.id == w.id).map(|(_, role)| *role);
                summary(w, role)
            })
            .collect())
    }

    pub async fn create_workspace(&self, caller: &Caller, new: NewWorkspace) -> Result<Workspace, Error> {
        let user = policy::require_user(&caller.principal)?;
        policy::require(&caller.principal, Action::CreateWorkspace, self.instance_target())?;
        let name = ResourceName::parse("name", &new.name)?;
        let display_name = match new.display_name.as_deref().map(str::trim) {
            None | Some("") => name.as_str().to_string(),
            Some(raw) => bounded_text("display_name", raw, 1, MAX_DISPLAY_NAME)?,
        };
        let id = new_id();
        let mut tx = self.db.begin().await?;
        tx.insert_workspace(id, name.as_str(), &display_name, user.id, now_ms()).await?;
        self.record_in(&mut tx, caller, workspace_event(id, "workspace.create", name.as_str(), None)).await?;
        tx.commit().await?;
        self.get_workspace(caller, name.as_str()).await
    }

    pub async fn get_workspace(&self, caller: &Caller, name: &str) -> Result<Workspace, Error> {
        let (workspace, target) = self.workspace_target(caller, name).await?;
        policy::require(&caller.principal, Action::ViewWorkspace, target)?;
        let role = match target {
            policy::Target::Workspace { role } => role,
            _ => None,
        };
        Ok(Workspace {
            members: self.db.count_members(workspace.id).await?,
            registries: self.db.count_registries(workspace.id).await?,
            name: workspace.name,
            display_name: workspace.display_name,
            role,
            created_at: Timestamp(workspace.created_at),
        })
    }

    pub async fn update_workspace(&self, caller: &Caller, name: &str, display_name: &str) -> Result<Workspace, Error> {
        let (workspace, target) = self.workspace_target(caller, name).await?;
        policy::require(&caller.principal, Action::UpdateWorkspace, target)?;
        let display_name = bounded_text("display_name", display_name, 1, MAX_DISPLAY_NAME)?;
        let detail = Some(format!("display name: {} → {display_name}", workspace.display_name));
        let mut tx = self.db.begin().await?;
        tx.update_workspace_display_name(workspace.id, &display_name, now_ms()).await?;
        self.record_in(&mut tx, caller, workspace_event(workspace.id, "workspace.update", &workspace.name, detail)).await?;
        tx.commit().await?;
        self.get_workspace(caller, name).await
    }

    /// Deletes an empty workspace; one that still holds registries is a conflict.
    pub async fn delete_workspace(&self, caller: &Caller, name: &str) -> Result<(), Error> {
        let (workspace, target) = self.workspace_target(caller, name).await?;
        policy::require(&caller.principal, Action::DeleteWorkspace, target)?;
        let mut tx = self.db.begin().await?;
        tx.delete_workspace(workspace.id).await?;
        self.record_in(&mut tx, caller, workspace_event(workspace.id, "workspace.delete", &workspace.name, None)).await?;
        tx.commit().await
    }

    /// The caller's role in a workspace they may see (`None` for an administrator who
    /// is not a member).
    pub async fn role_in(&self, caller: &Caller, workspace: &str) -> Result<Option<Role>, Error> {
        let (_, target) = self.workspace_target(caller, workspace).await?;
        policy::require(&caller.principal, Action::ViewWorkspace, target)?;
        Ok(match (target, &caller.principal) {
            (policy::Target::Workspace { role }, Principal::User(_)) => role,
            _ => None,
        })
    }
}

pub(crate) fn workspace_event<'a>(workspace_id: i64, action: &'a str, name: &'a str, detail: Option<String>) -> Event<'a> {
    Event { workspace_id: Some(workspace_id), action, resource_type: "workspace", resource: name, detail }
}
