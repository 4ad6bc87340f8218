//! Administration → Users: every account on the instance; create, disable or enable,
//! and reset a password. Only instance administrators get here (the services refuse
//! everyone else whatever the browser sends).

use crate::components::notice::{ErrorNotice, SuccessNotice};
use crate::components::shell::use_current_user;
use crate::dto::UserRow;
use crate::server_fns::users::{CreateUser, ResetUserPassword, SetUserDisabled, list_users};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let user = use_current_user();
    let create = ServerAction::<CreateUser>::new();
    let toggle = ServerAction::<SetUserDisabled>::new();
    let reset = ServerAction::<ResetUserPassword>::new();
    let users = Resource::new(move || (create.version().get(), toggle.version().get(), reset.version().get()), |_| list_users());
    view! {
        <Title text="Users" />
        <header class="page-header">
            <div>
                <h1>"Users"</h1>
                <p class="muted">"Everyone who can sign in to this Berth instance."</p>
            </div>
        </header>
        <div class="columns">
            <section class="card grow" aria-labelledby="users-title">
                <h2 id="users-title" class="visually-hidden">"All users"</h2>
                {move || {
                    toggle
                        .value()
                        .get()
                        .map(|result| match result {
                            Ok(user) => {
                                let state = if user.disabled { "disabled" } else { "enabled" };
                                view! { <SuccessNotice message=format!("{} is now {state}.", user.username) /> }
                                    .into_any()
                            }
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                        })
                }}
                {move || {
                    reset
                        .value()
                        .get()
                        .map(|result| match result {
                            Ok(()) => view! { <SuccessNotice message="Password changed." /> }.into_any(),
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                        })
                }}
                <Transition fallback=|| view! { <p class="muted">"Loading users…"</p> }>
                    {move || Suspend::new(async move {
                        let me = user.await.ok().flatten().map(|m| m.username).unwrap_or_default();
                        match users.await {
                            Ok(list) => view! { <UsersTable users=list me toggle reset /> }.into_any(),
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
            <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
            let is_admin = user.await.ok().flatten().is_some_and(|m| m.is_admin);
            is_admin.then(|| view! {
            <section class="card side" aria-labelledby="create-title">
                <h2 id="create-title">"Create user"</h2>
                <ActionForm action=create>
                    <div class="form">
                        <label for="new-username">"Username"</label>
                        <input
                            id="new-username"
                            name="username"
                            required
                            maxlength="39"
                            autocomplete="off"
                            autocapitalize="none"
                            spellcheck="false"
                            aria-describedby="new-username-hint"
                        />
                        <p id="new-username-hint" class="hint">
                            "Lowercase letters, digits, '.', '_' or '-'; 2–39 characters."
                        </p>
                        <label for="new-email">"E-mail " <span class="muted">"(optional)"</span></label>
                        <input id="new-email" name="email" type="email" maxlength="254" autocomplete="off" />
                        <label for="new-password">"Password"</label>
                        <input
                            id="new-password"
                            name="password"
                            type="password"
                            required
                            minlength="10"
                            maxlength="1024"
                            autocomplete="new-password"
                        />
                        <label class="checkbox">
                            <input type="checkbox" name="is_admin" />
                            "Instance administrator"
                        </label>
                        <button type="submit" class="button primary" disabled=move || create.pending().get()>
                            "Create user"
                        </button>
                    </div>
                </ActionForm>
                {move || {
                    create
                        .value()
                        .get()
                        .map(|result| match result {
                            Ok(user) => {
                                view! { <SuccessNotice message=format!("User {} created.", user.username) /> }
                                    .into_any()
                            }
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                        })
                }}
            </section>
            })
            })}
            </Suspense>
        </div>
    }
}

#[component]
fn UsersTable(
    users: Vec<UserRow>,
    me: String,
    toggle: ServerAction<SetUserDisabled>,
    reset: ServerAction<ResetUserPassword>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Username"</th>
                        <th scope="col">"E-mail"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last sign-in"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Actions"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    {users
                        .into_iter()
                        .map(|user| {
                            let is_me = user.username == me;
                            view! { <UserRowView user is_me toggle reset /> }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn UserRowView(user: UserRow, is_me: bool, toggle: ServerAction<SetUserDisabled>, reset: ServerAction<ResetUserPassword>) -> impl IntoView {
    let resetting = RwSignal::new(false);
    let username = user.username.clone();
    let toggle_username = user.username.clone();
    let input_id = format!("pw-{username}");
    let toggle_label = if user.disabled { "Enable" } else { "Disable" };
    view! {
        <tr data-username=user.username.clone()>
            <td>
                <strong>{user.username.clone()}</strong>
                {is_me.then(|| view! { <span class="badge">"you"</span> })}
            </td>
            <td>{user.email.clone().unwrap_or_else(|| "—".to_string())}</td>
            <td>{if user.is_admin { "Administrator" } else { "User" }}</td>
            <td>
                {if user.disabled {
                    view! { <span class="badge danger">"Disabled"</span> }.into_any()
                } else {
                    view! { <span class="badge success">"Active"</span> }.into_any()
                }}
            </td>
            <td>{user.created_at.to_string()}</td>
            <td>{user.last_login_at.map(|t| t.to_string()).unwrap_or_else(|| "Never".to_string())}</td>
            <td class="row-actions">
                {(!is_me)
                    .then(move || {
                        view! {
                            <ActionForm action=toggle>
                                <input type="hidden" name="username" value=toggle_username />
                                <input type="hidden" name="disabled" value=(!user.disabled).to_string() />
                                <button type="submit" class="button small">
                                    {toggle_label}
                                </button>
                            </ActionForm>
                        }
                    })}
                <button
                    type="button"
                    class="button small"
                    aria-expanded=move || resetting.get().to_string()
                    on:click=move |_| resetting.update(|r| *r = !*r)
                >
                    "Reset password"
                </button>
                <div class="inline-form" hidden=move || !resetting.get()>
                    <ActionForm action=reset>
                        <input type="hidden" name="username" value=username.clone() />
                        <label class="visually-hidden" for=input_id.clone()>
                            "New password for " {username.clone()}
                        </label>
                        <input
                            id=input_id
                            name="password"
                            type="password"
                            required
                            minlength="10"
                            maxlength="1024"
                            autocomplete="new-password"
                            placeholder="New password"
                        />
                        <button type="submit" class="button small primary">
                            "Set password"
                        </button>
                    </ActionForm>
                </div>
            </td>
        </tr>
    }
}
