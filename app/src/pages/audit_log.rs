//! The workspace's audit log, newest first, a page at a time (`?page=N`).

use crate::components::notice::ErrorNotice;
use crate::components::workspace::{WorkspaceHeader, use_workspace_name};
use crate::server_fns::workspaces::{AUDIT_PAGE_SIZE, get_workspace, list_audit};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let name = use_workspace_name();
    let query = use_query_map();
    let page = move || query.read().get("page").and_then(|p| p.parse::<i64>().ok()).filter(|p| *p >= 1).unwrap_or(1);
    let workspace = Resource::new(name.clone(), get_workspace);
    let entries = Resource::new(move || (name(), page()), |(ws, page)| list_audit(ws, page));

    view! {
        <Title text="Audit log" />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let ws = match workspace.await {
                    Ok(ws) => ws,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let base = format!("/w/{}/audit", ws.name);
                let header = view! { <WorkspaceHeader workspace=ws subtitle="Audit log" /> };
                let log = match entries.await {
                    Ok(log) => log,
                    Err(error) => return view! { {header} <ErrorNotice error /> }.into_any(),
                };
                let pages = ((log.total + AUDIT_PAGE_SIZE - 1) / AUDIT_PAGE_SIZE).max(1);
                let current = log.page;
                view! {
                    {header}
                    <section class="card" aria-label="Audit log">
                        <div class="table-wrap">
                            <table class="table">
                                <thead>
                                    <tr>
                                        <th scope="col">"When"</th>
                                        <th scope="col">"Who"</th>
                                        <th scope="col">"Action"</th>
                                        <th scope="col">"Resource"</th>
                                        <th scope="col">"Details"</th>
                                        <th scope="col">"From"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {log
                                        .entries
                                        .into_iter()
                                        .map(|e| {
                                            let action = e.action.clone();
                                            view! {
                                                <tr data-action=action>
                                                    <td>{e.at.to_string()}</td>
                                                    <td>{e.actor}</td>
                                                    <td>
                                                        <code>{e.action}</code>
                                                    </td>
                                                    <td>{e.resource_type} " " <strong>{e.resource}</strong></td>
                                                    <td>{e.detail.unwrap_or_default()}</td>
                                                    <td class="mono">{e.client_addr}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <nav class="pager" aria-label="Pages">
                            {(current > 1)
                                .then(|| {
                                    view! {
                                        <a class="button small" href=format!("{base}?page={}", current - 1)>
                                            "← Newer"
                                        </a>
                                    }
                                })}
                            <span class="muted small">
                                {format!("Page {current} of {pages} · {} entries", log.total)}
                            </span>
                            {(current < pages)
                                .then(|| {
                                    view! {
                                        <a class="button small" href=format!("{base}?page={}", current + 1)>
                                            "Older →"
                                        </a>
                                    }
                                })}
                        </nav>
                    </section>
                }
                    .into_any()
            })}
        </Transition>
    }
}
