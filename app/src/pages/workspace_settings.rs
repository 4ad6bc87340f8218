//! Workspace settings: rename the display name; delete the workspace after typing its
//! name. Owners (and administrators) only.

use crate::components::notice::{ErrorNotice, SuccessNotice};
use crate::components::shell::use_current_user;
use crate::components::workspace::{WorkspaceHeader, may, use_workspace_name};
use crate::domain::policy::Action;
use crate::server_fns::workspaces::{DeleteWorkspace, UpdateWorkspace, get_workspace};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn WorkspaceSettingsPage() -> impl IntoView {
    let name = use_workspace_name();
    let rename = ServerAction::<UpdateWorkspace>::new();
    let delete = ServerAction::<DeleteWorkspace>::new();
    let user = use_current_user();
    let workspace = Resource::new(move || (name(), rename.version().get()), |(ws, _)| get_workspace(ws));

    view! {
        <Title text="Workspace settings" />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let current = user.await.ok().flatten();
                let ws = match workspace.await {
                    Ok(ws) => ws,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                if !may(current.as_ref(), &ws, Action::UpdateWorkspace) {
                    return view! {
                        <WorkspaceHeader workspace=ws subtitle="Settings" />
                        <p class="notice error" role="alert">"Only a workspace owner may change its settings."</p>
                    }
                        .into_any();
                }
                let typed = RwSignal::new(String::new());
                let (rename_name, delete_name, confirm_name) = (ws.name.clone(), ws.name.clone(), ws.name.clone());
                let expected = ws.name.clone();
                let matches = move || typed.get() == expected;
                view! {
                    <WorkspaceHeader workspace=ws.clone() subtitle="Settings" />
                    <section class="card" aria-labelledby="rename-title">
                        <h2 id="rename-title">"Display name"</h2>
                        <ActionForm action=rename>
                            <div class="form narrow">
                                <input type="hidden" name="workspace" value=rename_name />
                                <label for="display-name">"Display name"</label>
                                <input
                                    id="display-name"
                                    name="display_name"
                                    required
                                    maxlength="100"
                                    value=ws.display_name.clone()
                                />
                                <button type="submit" class="button primary">"Save"</button>
                            </div>
                        </ActionForm>
                        {move || {
                            rename
                                .value()
                                .get()
                                .map(|result| match result {
                                    Ok(_) => view! { <SuccessNotice message="Saved." /> }.into_any(),
                                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                                })
                        }}
                    </section>
                    <section class="card danger-zone" aria-labelledby="delete-title">
                        <h2 id="delete-title">"Delete workspace"</h2>
                        <p>
                            "Deleting removes the workspace and its member list. A workspace that still holds registries cannot be deleted: destroy them first."
                        </p>
                        <ActionForm action=delete>
                            <div class="form narrow">
                                <input type="hidden" name="workspace" value=delete_name />
                                <label for="confirm-delete">
                                    "Type " <code>{confirm_name}</code> " to confirm"
                                </label>
                                <input
                                    id="confirm-delete"
                                    name="confirm"
                                    autocomplete="off"
                                    on:input=move |ev| typed.set(event_target_value(&ev))
                                />
                                <button type="submit" class="button danger" disabled=move || !matches()>
                                    "Delete this workspace"
                                </button>
                            </div>
                        </ActionForm>
                        {move || {
                            delete
                                .value()
                                .get()
                                .and_then(|result| result.err())
                                .map(|error| view! { <ErrorNotice error /> })
                        }}
                    </section>
                }
                    .into_any()
            })}
        </Transition>
    }
}
