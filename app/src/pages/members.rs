//! Members: everyone in the workspace sees who is in it; owners add people by
//! username, change roles and remove members.

use crate::components::notice::{ErrorNotice, SuccessNotice};
use crate::components::shell::use_current_user;
use crate::components::workspace::{RoleBadge, WorkspaceHeader, may, use_workspace_name};
use crate::domain::model::Role;
use crate::domain::policy::Action;
use crate::dto::Member;
use crate::server_fns::workspaces::{RemoveMember, SetMemberRole, get_workspace, list_members};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MembersPage() -> impl IntoView {
    let name = use_workspace_name();
    let set_role = ServerAction::<SetMemberRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let workspace = Resource::new(name.clone(), get_workspace);
    let members = Resource::new(
        {
            let name = name.clone();
            move || (name(), set_role.version().get(), remove.version().get())
        },
        |(ws, _, _)| list_members(ws),
    );
    let user = use_current_user();

    view! {
        <Title text="Members" />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                Suspend::new(async move {
                    let current = user.await.ok().flatten();
                    let me = current.as_ref().map(|m| m.username.clone()).unwrap_or_default();
                    let ws = match workspace.await {
                        Ok(ws) => ws,
                        Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                    };
                    let manage = may(current.as_ref(), &ws, Action::ManageMembers);
                    let list = match members.await {
                        Ok(list) => list,
                        Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                    };
                    let workspace_name = ws.name.clone();
                    view! {
                        <WorkspaceHeader workspace=ws subtitle="Members" />
                        <ActionNotices set_role remove />
                        <div class="columns">
                            <section class="card grow" aria-label="Members">
                                {(!manage)
                                    .then(|| {
                                        view! {
                                            <p class="muted small">
                                                "Only owners can change the members of this workspace."
                                            </p>
                                        }
                                    })}
                                <MembersTable
                                    members=list
                                    workspace=workspace_name.clone()
                                    me
                                    manage
                                    set_role
                                    remove
                                />
                            </section>
                            {manage.then(|| view! { <AddMemberForm workspace=workspace_name set_role /> })}
                        </div>
                    }
                        .into_any()
                })
            }}
        </Transition>
    }
}

#[component]
fn ActionNotices(set_role: ServerAction<SetMemberRole>, remove: ServerAction<RemoveMember>) -> impl IntoView {
    view! {
        {move || {
            set_role
                .value()
                .get()
                .map(|result| match result {
                    Ok(m) => {
                        view! { <SuccessNotice message=format!("{} is now {}.", m.username, m.role.label().to_lowercase()) /> }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })
        }}
        {move || {
            remove
                .value()
                .get()
                .map(|result| match result {
                    Ok(()) => view! { <SuccessNotice message="Member removed." /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })
        }}
    }
}

#[component]
fn MembersTable(
    members: Vec<Member>,
    workspace: String,
    me: String,
    manage: bool,
    set_role: ServerAction<SetMemberRole>,
    remove: ServerAction<RemoveMember>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Member"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Added"</th>
                        {manage.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                    </tr>
                </thead>
                <tbody>
                    {members
                        .into_iter()
                        .map(|m| {
                            let is_me = m.username == me;
                            let workspace = workspace.clone();
                            let username = m.username.clone();
                            let row_key = m.username.clone();
                            let role = m.role;
                            let added_at = m.added_at.to_string();
                            view! {
                                <tr data-member=row_key>
                                    <td>
                                        <strong>{username}</strong>
                                        {is_me.then(|| view! { <span class="badge">"you"</span> })}
                                    </td>
                                    <td>
                                        <RoleBadge role=Some(role) />
                                    </td>
                                    <td>{added_at}</td>
                                    {manage
                                        .then(move || {
                                            view! {
                                                <td class="row-actions">
                                                    <RoleForm workspace=workspace.clone() member=m.clone() set_role />
                                                    <ActionForm action=remove>
                                                        <input type="hidden" name="workspace" value=workspace.clone() />
                                                        <input type="hidden" name="username" value=m.username.clone() />
                                                        <button type="submit" class="button small danger-outline">
                                                            "Remove"
                                                        </button>
                                                    </ActionForm>
                                                </td>
                                            }
                                        })}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn RoleForm(workspace: String, member: Member, set_role: ServerAction<SetMemberRole>) -> impl IntoView {
    let select_id = format!("role-{}", member.username);
    view! {
        <ActionForm action=set_role>
            <div class="inline">
                <input type="hidden" name="workspace" value=workspace />
                <input type="hidden" name="username" value=member.username.clone() />
                <label class="visually-hidden" for=select_id.clone()>
                    "Role of " {member.username.clone()}
                </label>
                <select id=select_id name="role">
                    {Role::ALL
                        .into_iter()
                        .map(|role| {
                            view! {
                                <option value=role.as_str() selected=role == member.role>
                                    {role.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <button type="submit" class="button small">
                    "Change role"
                </button>
            </div>
        </ActionForm>
    }
}

#[component]
fn AddMemberForm(workspace: String, set_role: ServerAction<SetMemberRole>) -> impl IntoView {
    view! {
        <section class="card side" aria-labelledby="add-member-title">
            <h2 id="add-member-title">"Add member"</h2>
            <ActionForm action=set_role>
                <div class="form">
                    <input type="hidden" name="workspace" value=workspace />
                    <label for="member-username">"Username"</label>
                    <input
                        id="member-username"
                        name="username"
                        required
                        maxlength="39"
                        autocomplete="off"
                        autocapitalize="none"
                        spellcheck="false"
                    />
                    <label for="member-role">"Role"</label>
                    <select id="member-role" name="role">
                        <option value="viewer">"Viewer — browse and pull"</option>
                        <option value="manager">"Manager — manage registries, push, delete"</option>
                        <option value="owner">"Owner — everything, including members"</option>
                    </select>
                    <button type="submit" class="button primary" disabled=move || set_role.pending().get()>
                        "Add member"
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}
