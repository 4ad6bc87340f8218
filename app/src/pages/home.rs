use crate::components::shell::use_current_user;
use crate::components::workspace::RoleBadge;
use crate::dto::Me;
use leptos::prelude::*;
use leptos_meta::Title;

/// The signed-in home: your workspaces, or where to start when you have none.
#[component]
pub fn HomePage() -> impl IntoView {
    let user = use_current_user();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match user.await.ok().flatten() {
                    Some(me) => view! { <Home me /> }.into_any(),
                    None => ().into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Home(me: Me) -> impl IntoView {
    view! {
        <Title text="Home" />
        <header class="page-header">
            <div>
                <h1>{format!("Welcome, {}", me.username)}</h1>
                <p class="muted">"Berth stores your container images and serves them to every OCI client."</p>
            </div>
            {me
                .may_create_workspaces
                .then(|| {
                    view! {
                        <a class="button primary" href="/workspaces">
                            "Create workspace"
                        </a>
                    }
                })}
        </header>
        {if me.workspaces.is_empty() {
            view! { <EmptyHome me=me.clone() /> }.into_any()
        } else {
            view! {
                <h2>"Your workspaces"</h2>
                <div class="workspace-cards">
                    {me
                        .workspaces
                        .iter()
                        .map(|w| {
                            view! {
                                <a class="workspace-card" href=format!("/w/{}", w.name)>
                                    <strong>{w.name.clone()}</strong>
                                    <RoleBadge role=Some(w.role) />
                                </a>
                            }
                        })
                        .collect_view()}
                </div>
            }
                .into_any()
        }}
    }
    .into_any()
}

#[component]
fn EmptyHome(me: Me) -> impl IntoView {
    let next_step = if me.may_create_workspaces {
        "Registries live in workspaces. Create the first one, then add the people who will use it."
    } else {
        "Registries live in workspaces. Ask a workspace owner to add you by your username."
    };
    view! {
        <section class="empty-state" aria-labelledby="empty-title">
            <svg class="empty-illustration" viewBox="0 0 120 80" aria-hidden="true">
                <rect x="10" y="40" width="30" height="20" rx="3" fill="#dbe5ff" />
                <rect x="45" y="40" width="30" height="20" rx="3" fill="#c2d3ff" />
                <rect x="80" y="40" width="30" height="20" rx="3" fill="#dbe5ff" />
                <rect x="28" y="18" width="30" height="20" rx="3" fill="#9db7ff" />
                <rect x="62" y="18" width="30" height="20" rx="3" fill="#c2d3ff" />
                <path
                    d="M4 66c9-5 18-5 28 0s19 5 28 0 19-5 28 0 19 5 28 0"
                    stroke="#1f4fd1"
                    stroke-width="2"
                    fill="none"
                />
            </svg>
            <h2 id="empty-title">"You are not in a workspace yet"</h2>
            <p class="muted">{next_step}</p>
            <p class="muted small">"Your username is " <strong>{me.username.clone()}</strong> "."</p>
        </section>
    }
}
