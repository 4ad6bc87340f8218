use crate::dto::Me;
use leptos::prelude::*;
use leptos_meta::Title;

/// The signed-in home: who you are and where to go next.
#[component]
pub fn HomePage() -> impl IntoView {
    let me = use_context::<Me>();
    let Some(me) = me else {
        return ().into_any();
    };
    let next_step = if me.is_admin {
        "As the instance administrator you create users and, with them, the workspaces that hold registries."
    } else {
        "Registries live in workspaces. Ask an administrator to add you to a workspace."
    };
    view! {
        <Title text="Home" />
        <header class="page-header">
            <div>
                <h1>{format!("Welcome, {}", me.username)}</h1>
                <p class="muted">"Berth stores your container images and serves them to every OCI client."</p>
            </div>
        </header>
        <section class="empty-state" aria-labelledby="empty-title">
            <svg class="empty-illustration" viewBox="0 0 120 80" aria-hidden="true">
                <rect x="10" y="40" width="30" height="20" rx="3" fill="#dbe5ff" />
                <rect x="45" y="40" width="30" height="20" rx="3" fill="#c2d3ff" />
                <rect x="80" y="40" width="30" height="20" rx="3" fill="#dbe5ff" />
                <rect x="28" y="18" width="30" height="20" rx="3" fill="#9db7ff" />
                <rect x="62" y="18" width="30" height="20" rx="3" fill="#c2d3ff" />
                <path d="M4 66c9-5 18-5 28 0s19 5 28 0 19-5 28 0 19 5 28 0" stroke="#1f4fd1" stroke-width="2" fill="none" />
            </svg>
            <h2 id="empty-title">"You are not in a workspace yet"</h2>
            <p class="muted">{next_step}</p>
            {me
                .is_admin
                .then(|| {
                    view! {
                        <a class="button primary" href="/admin/users">
                            "Manage users"
                        </a>
                    }
                })}
        </section>
        <section class="card" aria-labelledby="account-title">
            <h2 id="account-title">"Your account"</h2>
            <dl class="facts">
                <dt>"Username"</dt>
                <dd>{me.username.clone()}</dd>
                <dt>"E-mail"</dt>
                <dd>{me.email.clone().unwrap_or_else(|| "—".to_string())}</dd>
                <dt>"Role"</dt>
                <dd>{if me.is_admin { "Instance administrator" } else { "User" }}</dd>
            </dl>
        </section>
    }
    .into_any()
}
