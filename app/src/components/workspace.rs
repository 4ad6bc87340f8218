//! Pieces shared by the workspace pages.

use crate::domain::model::Role;
use crate::dto::{Me, Workspace};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The `:ws` segment of the current route.
pub fn use_workspace_name() -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("ws").unwrap_or_default()
}

/// What the signed-in user may do in this workspace, from the same policy the server
/// enforces (used only to hide controls).
pub fn may(me: Option<&Me>, workspace: &Workspace, action: crate::domain::policy::Action) -> bool {
    let Some(me) = me else { return false };
    crate::domain::policy::user_may(&me.username, me.is_admin, action, crate::domain::policy::Target::Workspace { role: workspace.role })
}

#[component]
pub fn WorkspaceHeader(workspace: Workspace, #[prop(into)] subtitle: String) -> impl IntoView {
    view! {
        <header class="page-header">
            <div>
                <p class="eyebrow">{workspace.name.clone()} " · " {subtitle}</p>
                <h1>{workspace.display_name.clone()}</h1>
            </div>
            <RoleBadge role=workspace.role />
        </header>
    }
}

#[component]
pub fn RoleBadge(role: Option<Role>) -> impl IntoView {
    let (label, class) = match role {
        Some(Role::Owner) => ("Owner", "badge role-owner"),
        Some(Role::Manager) => ("Manager", "badge role-manager"),
        Some(Role::Viewer) => ("Viewer", "badge role-viewer"),
        None => ("Administrator", "badge role-owner"),
    };
    view! { <span class=class>{label}</span> }
}
