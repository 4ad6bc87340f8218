//! The signed-in console's frame: top bar (brand, workspace switcher, user menu),
//! navigation and the page outlet.

use crate::components::logo::Logo;
use crate::components::menu::MenuButton;
use crate::components::notice::ErrorNotice;
use crate::domain::model::Role;
use crate::domain::policy::{Action, Target, user_may};
use crate::dto::Me;
use crate::error::ConsoleError;
use crate::server_fns::account::get_me;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::use_location;

/// The signed-in user, loaded once per page load. Pages await it inside their own
/// `Suspend` (with their data), so the page outlet is never inside a boundary that
/// could render it twice.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Result<Option<Me>, ConsoleError>>);

pub fn use_current_user() -> Resource<Result<Option<Me>, ConsoleError>> {
    expect_context::<CurrentUser>().0
}

#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    provide_context(CurrentUser(me));
    let current = current_workspace();
    view! {
        <a class="skip-link" href="#main">
            "Skip to content"
        </a>
        <div class="app">
            <header class="topbar">
                <a class="brand" href="/">
                    <Logo />
                    <span>"Berth"</span>
                </a>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match me.await {
                            Ok(Some(me)) => {
                                view! {
                                    <WorkspaceSwitcher me=me.clone() current />
                                    <div class="topbar-spacer"></div>
                                    <UserMenu me />
                                }
                                    .into_any()
                            }
                            Ok(None) => view! { <Redirect path="/login" /> }.into_any(),
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </header>
            <div class="frame">
                <nav class="sidebar" aria-label="Main">
                    <A href="/" exact=true>
                        "Home"
                    </A>
                    <A href="/workspaces" exact=true>
                        "Workspaces"
                    </A>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let Ok(Some(me)) = me.await else { return ().into_any() };
                            let is_admin = me.is_admin;
                            view! {
                                {move || current.get().map(|ws| view! { <WorkspaceNav me=me.clone() workspace=ws /> })}
                                {is_admin
                                    .then(|| {
                                        view! {
                                            <p class="nav-section">"Administration"</p>
                                            <A href="/admin/users">"Users"</A>
                                            <A href="/admin/gc">"Garbage collection"</A>
                                        }
                                    })}
                            }
                                .into_any()
                        })}
                    </Suspense>
                </nav>
                <main id="main" class="content" tabindex="-1">
                    <Outlet />
                </main>
            </div>
        </div>
    }
}

/// The workspace named by the current URL (`/w/{name}/…`), if any.
fn current_workspace() -> Memo<Option<String>> {
    let location = use_location();
    Memo::new(move |_| {
        let path = location.pathname.get();
        path.strip_prefix("/w/").and_then(|rest| rest.split('/').next()).filter(|s| !s.is_empty()).map(str::to_string)
    })
}

/// The current workspace's pages, as far as the user's role reaches.
#[component]
fn WorkspaceNav(me: Me, workspace: String) -> impl IntoView {
    let role = me.workspaces.iter().find(|w| w.name == workspace).map(|w| w.role);
    let target = Target::Workspace { role };
    let may = |action| user_may(&me.username, me.is_admin, action, target);
    let base = format!("/w/{workspace}");
    view! {
        <p class="nav-section">{workspace.clone()}</p>
        <A href=base.clone() exact=true>
            "Overview"
        </A>
        <A href=format!("{base}/registries")>"Registries"</A>
        <A href=format!("{base}/members")>"Members"</A>
        {may(Action::ViewAudit).then(|| view! { <A href=format!("{base}/audit")>"Audit log"</A> })}
        {may(Action::UpdateWorkspace).then(|| view! { <A href=format!("{base}/settings")>"Settings"</A> })}
    }
}

/// Shows the current workspace and switches to another.
#[component]
fn WorkspaceSwitcher(me: Me, current: Memo<Option<String>>) -> impl IntoView {
    let workspaces = me.workspaces.clone();
    let label = ViewFn::from(move || {
        view! {
            <span class="ws-label">"Workspace"</span>
            <span class="ws-name">
                {move || current.get().unwrap_or_else(|| "Choose…".to_string())}
            </span>
        }
    });
    view! {
        <MenuButton
            panel_id="workspace-menu"
            button_class="ws-switcher"
            panel_class="menu menu-left"
            label
        >
            {workspaces.is_empty().then(|| view! { <p class="menu-header muted small">"You are in no workspace yet."</p> })}
            {workspaces
                .iter()
                .map(|w| {
                    view! {
                        <a class="menu-item" href=format!("/w/{}", w.name)>
                            <span>{w.name.clone()}</span>
                            <span class="muted small">{role_label(w.role)}</span>
                        </a>
                    }
                })
                .collect_view()}
            <a class="menu-item menu-footer" href="/workspaces">
                "All workspaces…"
            </a>
        </MenuButton>
    }
}

fn role_label(role: Role) -> &'static str {
    role.label()
}

/// The account button: who is signed in, and "Sign out".
#[component]
fn UserMenu(me: Me) -> impl IntoView {
    let initial = me.username.chars().next().unwrap_or('?').to_ascii_uppercase().to_string();
    let role = if me.is_admin { "Instance administrator" } else { "User" };
    let username = me.username.clone();
    let label = ViewFn::from(move || {
        view! {
            <span class="avatar" aria-hidden="true">
                {initial.clone()}
            </span>
            <span class="user-name">{username.clone()}</span>
        }
    });
    view! {
        <MenuButton panel_id="user-menu-panel" button_class="user-button" panel_class="menu" label>
            <div class="menu-header">
                <span class="muted small">"Signed in as"</span>
                <strong>{me.username.clone()}</strong>
                <span class="muted small">{role}</span>
            </div>
            <form method="post" action="/logout">
                <button type="submit" class="menu-item">
                    "Sign out"
                </button>
            </form>
        </MenuButton>
    }
}
