use crate::domain::model::Role;
use crate::dto::{AuditPage, Member, Workspace, WorkspaceSummary};
use crate::error::ConsoleError;
use leptos::prelude::*;

#[server(prefix = "/console/fn", endpoint = "list_workspaces")]
pub async fn list_workspaces() -> Result<Vec<WorkspaceSummary>, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.list_workspaces(&caller).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "create_workspace")]
pub async fn create_workspace(name: String, display_name: Option<String>) -> Result<Workspace, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    let new = crate::dto::NewWorkspace { name: name.trim().to_string(), display_name };
    console()?.create_workspace(&caller, new).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "get_workspace")]
pub async fn get_workspace(workspace: String) -> Result<Workspace, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.get_workspace(&caller, &workspace).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "update_workspace")]
pub async fn update_workspace(workspace: String, display_name: String) -> Result<Workspace, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.update_workspace(&caller, &workspace, &display_name).await.map_err(fail)
}

/// `confirm` must repeat the workspace's name: the typed confirmation is checked on
/// the server too, so a stray request cannot delete a workspace.
#[server(prefix = "/console/fn", endpoint = "delete_workspace")]
pub async fn delete_workspace(workspace: String, confirm: String) -> Result<(), ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    if confirm.trim() != workspace {
        return Err(fail(crate::domain::Error::invalid("confirm", "type the workspace's name to delete it")));
    }
    console()?.delete_workspace(&caller, &workspace).await.map_err(fail)?;
    leptos_axum::redirect("/workspaces");
    Ok(())
}

#[server(prefix = "/console/fn", endpoint = "list_members")]
pub async fn list_members(workspace: String) -> Result<Vec<Member>, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.list_members(&caller, &workspace).await.map_err(fail)
}

/// Adds a member or changes a member's role.
#[server(prefix = "/console/fn", endpoint = "set_member_role")]
pub async fn set_member_role(workspace: String, username: String, role: Role) -> Result<Member, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.set_member_role(&caller, &workspace, username.trim(), role).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "remove_member")]
pub async fn remove_member(workspace: String, username: String) -> Result<(), ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.remove_member(&caller, &workspace, &username).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "list_audit")]
pub async fn list_audit(workspace: String, page: i64) -> Result<AuditPage, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.list_audit(&caller, &workspace, page, AUDIT_PAGE_SIZE).await.map_err(fail)
}

pub const AUDIT_PAGE_SIZE: i64 = 25;
