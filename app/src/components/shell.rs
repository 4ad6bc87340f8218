//! The signed-in console's frame: top bar (brand, workspace switcher, user menu),
//! navigation and the page outlet.

use crate::components::logo::Logo;
use crate::components::notice::ErrorNotice;
use crate::dto::Me;
use crate::server_fns::account::get_me;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};

/// Loads the signed-in user once and provides it to every page below as context.
#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    view! {
        <Suspense fallback=|| view! { <div class="loading" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => {
                        provide_context(me.clone());
                        view! { <Shell me /> }.into_any()
                    }
                    Ok(None) => view! { <Redirect path="/login" /> }.into_any(),
                    Err(error) => {
                        view! {
                            <main class="standalone">
                                <ErrorNotice error />
                            </main>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn Shell(me: Me) -> impl IntoView {
    let is_admin = me.is_admin;
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
                <WorkspaceSwitcher me=me.clone() />
                <div class="topbar-spacer"></div>
                <UserMenu me />
            </header>
            <div class="frame">
                <nav class="sidebar" aria-label="Main">
                    <A href="/" exact=true>
                        "Home"
                    </A>
                    {is_admin
                        .then(|| {
                            view! {
                                <p class="nav-section">"Administration"</p>
                                <A href="/admin/users">"Users"</A>
                            }
                        })}
                </nav>
                <main id="main" class="content" tabindex="-1">
                    <Outlet />
                </main>
            </div>
        </div>
    }
}

/// Shows the current workspace. A user with no workspace sees that stated plainly.
#[component]
fn WorkspaceSwitcher(me: Me) -> impl IntoView {
    let current = me.workspaces.first().map(|w| w.name.clone());
    view! {
        <div class="ws-switcher" aria-label="Workspace">
            <span class="ws-label">"Workspace"</span>
            {match current {
                Some(name) => view! { <span class="ws-name">{name}</span> }.into_any(),
                None => view! { <span class="ws-name muted">"None yet"</span> }.into_any(),
            }}
        </div>
    }
}

/// The account button: opens a menu with who is signed in and "Sign out".
/// Escape or a click elsewhere closes it.
#[component]
fn UserMenu(me: Me) -> impl IntoView {
    let open = RwSignal::new(false);
    let container = NodeRef::<leptos::html::Div>::new();
    let initial = me.username.chars().next().unwrap_or('?').to_ascii_uppercase().to_string();
    let role = if me.is_admin { "Instance administrator" } else { "User" };

    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use wasm_bindgen::JsCast;
        let handle = window_event_listener(leptos::ev::click, move |ev| {
            let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            if let (Some(root), Some(target)) = (container.get_untracked(), target) {
                if !root.contains(Some(&target)) {
                    open.set(false);
                }
            }
        });
        on_cleanup(move || handle.remove());
    });

    view! {
        <div
            class="user-menu"
            node_ref=container
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    open.set(false);
                }
            }
        >
            <button
                type="button"
                class="user-button"
                aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                aria-controls="user-menu-panel"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="avatar" aria-hidden="true">
                    {initial}
                </span>
                <span class="user-name">{me.username.clone()}</span>
            </button>
            <div id="user-menu-panel" class="menu" hidden=move || !open.get()>
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
            </div>
        </div>
    }
}
