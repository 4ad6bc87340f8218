//! A workspace's overview: what it holds and who you are in it.

use crate::components::notice::ErrorNotice;
use crate::components::workspace::{WorkspaceHeader, use_workspace_name};
use crate::server_fns::workspaces::get_workspace;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn WorkspacePage() -> impl IntoView {
    let name = use_workspace_name();
    let workspace = Resource::new(name, get_workspace);
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match workspace.await {
                    Ok(ws) => {
                        let base = format!("/w/{}", ws.name);
                        view! {
                            <Title text=ws.display_name.clone() />
                            <WorkspaceHeader workspace=ws.clone() subtitle="Overview" />
                            <div class="stats">
                                <a class="stat" href=format!("{base}/members")>
                                    <span class="stat-value">{ws.members}</span>
                                    <span class="stat-label">"Members"</span>
                                </a>
                                <div class="stat">
                                    <span class="stat-value">{ws.registries}</span>
                                    <span class="stat-label">"Registries"</span>
                                </div>
                                <div class="stat">
                                    <span class="stat-value">
                                        {ws.role.map(|r| r.label()).unwrap_or("Administrator")}
                                    </span>
                                    <span class="stat-label">"Your role"</span>
                                </div>
                            </div>
                            <section class="card">
                                <h2>"About this workspace"</h2>
                                <dl class="facts">
                                    <dt>"Name"</dt>
                                    <dd class="mono">{ws.name.clone()}</dd>
                                    <dt>"Display name"</dt>
                                    <dd>{ws.display_name.clone()}</dd>
                                    <dt>"Created"</dt>
                                    <dd>{ws.created_at.to_string()}</dd>
                                </dl>
                            </section>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}
