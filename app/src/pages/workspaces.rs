//! Workspaces: the ones you belong to (an administrator sees all), and creating one.

use crate::components::notice::{ErrorNotice, SuccessNotice};
use crate::components::shell::use_current_user;
use crate::server_fns::workspaces::{CreateWorkspace, list_workspaces};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn WorkspacesPage() -> impl IntoView {
    let user = use_current_user();
    let create = ServerAction::<CreateWorkspace>::new();
    let workspaces = Resource::new(move || create.version().get(), |_| list_workspaces());

    view! {
        <Title text="Workspaces" />
        <header class="page-header">
            <div>
                <h1>"Workspaces"</h1>
                <p class="muted">"A workspace groups registries and the people who manage them."</p>
            </div>
        </header>
        <div class="columns">
            <section class="card grow" aria-label="Your workspaces">
                <Transition fallback=|| view! { <p class="muted">"Loading workspaces…"</p> }>
                    {move || Suspend::new(async move {
                        match workspaces.await {
                            Ok(list) if list.is_empty() => {
                                view! {
                                    <p class="muted">
                                        "You are not a member of any workspace yet. An owner can add you by username."
                                    </p>
                                }
                                    .into_any()
                            }
                            Ok(list) => {
                                view! {
                                    <div class="table-wrap">
                                        <table class="table">
                                            <thead>
                                                <tr>
                                                    <th scope="col">"Workspace"</th>
                                                    <th scope="col">"Name"</th>
                                                    <th scope="col">"Your role"</th>
                                                    <th scope="col">"Created"</th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {list
                                                    .into_iter()
                                                    .map(|w| {
                                                        view! {
                                                            <tr data-workspace=w.name.clone()>
                                                                <td>
                                                                    <a href=format!("/w/{}", w.name)>
                                                                        <strong>{w.display_name.clone()}</strong>
                                                                    </a>
                                                                </td>
                                                                <td class="mono">{w.name.clone()}</td>
                                                                <td>
                                                                    {w.role.map(|r| r.label()).unwrap_or("— (administrator)")}
                                                                </td>
                                                                <td>{w.created_at.to_string()}</td>
                                                            </tr>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                }
                                    .into_any()
                            }
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
            <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let may_create = user.await.ok().flatten().is_some_and(|m| m.may_create_workspaces);
                may_create.then(|| {
                    view! {
                        <section class="card side" aria-labelledby="create-ws-title">
                            <h2 id="create-ws-title">"Create workspace"</h2>
                            <ActionForm action=create>
                                <div class="form">
                                    <label for="ws-name">"Name"</label>
                                    <input
                                        id="ws-name"
                                        name="name"
                                        required
                                        minlength="2"
                                        maxlength="63"
                                        pattern="[a-z0-9]+([._\\-][a-z0-9]+)*"
                                        autocomplete="off"
                                        autocapitalize="none"
                                        spellcheck="false"
                                        aria-describedby="ws-name-hint"
                                    />
                                    <p id="ws-name-hint" class="hint">
                                        "Lowercase letters and digits, separated by '.', '_' or '-'. It cannot be changed later."
                                    </p>
                                    <label for="ws-display">"Display name " <span class="muted">"(optional)"</span></label>
                                    <input id="ws-display" name="display_name" maxlength="100" autocomplete="off" />
                                    <button type="submit" class="button primary" disabled=move || create.pending().get()>
                                        "Create workspace"
                                    </button>
                                </div>
                            </ActionForm>
                            {move || {
                                create
                                    .value()
                                    .get()
                                    .map(|result| match result {
                                        Ok(w) => {
                                            view! {
                                                <SuccessNotice message=format!("Workspace {} created. You are its owner.", w.name) />
                                            }
                                                .into_any()
                                        }
                                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                                    })
                            }}
                        </section>
                    }
                })
            })}
            </Suspense>
        </div>
    }
}
