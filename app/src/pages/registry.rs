//! A registry's page — the Manage section: configuration at the top, then Make
//! Private/Public, View Credentials, View Push Commands, the repositories, and
//! Destroy.

use crate::components::copy::CopyButton;
use crate::components::credentials::Credentials;
use crate::components::modal::Modal;
use crate::components::notice::{ErrorNotice, SuccessNotice};
use crate::components::pager::{KeysetPager, PagePosition, after_before, page_count};
use crate::components::push_commands::PushCommands;
use crate::components::shell::use_current_user;
use crate::domain::model::Visibility;
use crate::domain::policy::{Action, Target, user_may};
use crate::domain::time::human_bytes;
use crate::dto::{Me, Registry, RepositoryPage};
use crate::error::ConsoleError;
use crate::pages::registries::VisibilityBadge;
use crate::server_fns::registries::{DeleteRegistry, SetRegistryQuota, SetRegistryVisibility, get_registry, list_repository_page};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Repositories per page: the server's page size (`services::repositories::REPOSITORY_PAGE_SIZE`).
const REPOSITORY_PAGE_SIZE: usize = 25;

#[component]
pub fn RegistryPage() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.read().get("reg").unwrap_or_default();
    let visibility = ServerAction::<SetRegistryVisibility>::new();
    let destroy = ServerAction::<DeleteRegistry>::new();
    let quota = ServerAction::<SetRegistryQuota>::new();
    let registry = Resource::new(move || (name(), visibility.version().get(), quota.version().get()), |(reg, _, _)| get_registry(reg));
    // Made here, not in the section that shows it, so a server render asks once.
    let repositories = RepositoryPaging { filter: RwSignal::new(String::new()), position: PagePosition::default() };
    let repository_page = Resource::new(
        move || (name(), repositories.filter.get(), repositories.position.cursor.get()),
        |(registry, filter, cursor)| {
            let (after, before) = after_before(cursor);
            list_repository_page(registry, filter, after, before)
        },
    );
    let user = use_current_user();

    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                Suspend::new(async move {
                    let me = user.await.ok().flatten();
                    if let Some(Ok(report)) = destroy.value().get() {
                        return view! {
                            <Title text="Registry destroyed" />
                            <p class="notice success" role="status" data-testid="destroy-report">
                                {format!(
                                    "Registry {} destroyed: {} repositories, {} tags and {} removed.",
                                    report.registry,
                                    report.repositories,
                                    report.tags,
                                    human_bytes(report.size_bytes),
                                )}
                            </p>
                            <a class="button" href="/workspaces">"Back to workspaces"</a>
                        }
                            .into_any();
                    }
                    match registry.await {
                        Ok(registry) => {
                            view! { <Manage registry me visibility destroy quota repositories repository_page /> }.into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn Manage(
    registry: Registry,
    me: Option<Me>,
    visibility: ServerAction<SetRegistryVisibility>,
    destroy: ServerAction<DeleteRegistry>,
    quota: ServerAction<SetRegistryQuota>,
    repositories: RepositoryPaging,
    repository_page: Resource<Result<RepositoryPage, ConsoleError>>,
) -> impl IntoView {
    let username = me.as_ref().map(|m| m.username.clone()).unwrap_or_default();
    let role = me.as_ref().and_then(|m| m.workspaces.iter().find(|w| w.name == registry.workspace).map(|w| w.role));
    let is_admin = me.as_ref().is_some_and(|m| m.is_admin);
    let target = Target::Registry { registry_id: 0, public: registry.visibility == Visibility::Public, role };
    let may = |action| user_may(&username, is_admin, action, target);
    let (manage, manage_robots) = (may(Action::UpdateRegistry), may(Action::ManageRobots));
    let host = registry.endpoint.rsplit_once('/').map(|(h, _)| h.to_string()).unwrap_or_default();

    let show_visibility = RwSignal::new(false);
    let show_quota = RwSignal::new(false);
    let quota_text = RwSignal::new(registry.quota_bytes.map(|q| (q as f64 / 1e9).to_string()).unwrap_or_default());
    let quota_registry = registry.name.clone();
    let show_credentials = RwSignal::new(false);
    let show_commands = RwSignal::new(false);
    let is_public = registry.visibility == Visibility::Public;
    let next = if is_public { Visibility::Private } else { Visibility::Public };
    let name = registry.name.clone();
    let (credentials_host, commands_host) = (host.clone(), host);
    let (credentials_registry, commands_registry) = (registry.name.clone(), registry.name.clone());
    let (credentials_user, commands_user) = (username.clone(), username);

    view! {
        <Title text=registry.name.clone() />
        <header class="page-header">
            <div>
                <p class="eyebrow">
                    <a href=format!("/w/{}/registries", registry.workspace)>{registry.workspace.clone()}</a>
                    " · Registry"
                </p>
                <h1>{registry.name.clone()} " " <VisibilityBadge visibility=registry.visibility /></h1>
                {(!registry.description.is_empty()).then(|| view! { <p class="muted">{registry.description.clone()}</p> })}
            </div>
            <div class="header-actions">
                {manage
                    .then(|| {
                        view! {
                            <button type="button" class="button" on:click=move |_| show_visibility.set(true)>
                                {if is_public { "Make Private" } else { "Make Public" }}
                            </button>
                        }
                    })}
                <button type="button" class="button" on:click=move |_| show_credentials.set(true)>
                    "View Credentials"
                </button>
                <button type="button" class="button primary" on:click=move |_| show_commands.set(true)>
                    "View Push Commands"
                </button>
            </div>
        </header>
        {move || {
            visibility
                .value()
                .get()
                .map(|result| match result {
                    Ok(r) => {
                        let now = if r.visibility == Visibility::Public { "public" } else { "private" };
                        view! { <SuccessNotice message=format!("{} is now {now}.", r.name) /> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })
        }}
        {move || {
            quota
                .value()
                .get()
                .map(|result| match result {
                    Ok(r) => {
                        let limit = r.quota_bytes.map(human_bytes).unwrap_or_else(|| "no limit".to_string());
                        view! { <SuccessNotice message=format!("{} quota: {limit}.", r.name) /> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })
        }}
        <section class="card" aria-labelledby="configuration-title">
            <h2 id="configuration-title">"Configuration"</h2>
            <dl class="facts">
                <dt>"Name"</dt>
                <dd class="mono">{registry.name.clone()}</dd>
                <dt>"Endpoint"</dt>
                <dd class="inline">
                    <code data-testid="endpoint">{registry.endpoint.clone()}</code>
                    <CopyButton text=registry.endpoint.clone() label="Copy endpoint" />
                </dd>
                <dt>"Visibility"</dt>
                <dd>{if is_public { "Public: anyone may pull; pushing needs credentials" } else { "Private: members and robot credentials only" }}</dd>
                <dt>"Created"</dt>
                <dd>{registry.created_at.to_string()}</dd>
                <dt>"Usage"</dt>
                <dd>{format!("{} in {} repositories, {} tags", human_bytes(registry.size_bytes), registry.repositories, registry.tags)}</dd>
                <dt>"Quota"</dt>
                <dd data-testid="quota">{match registry.quota_bytes {
                    Some(quota) => format!("{} of {} used", human_bytes(registry.size_bytes), human_bytes(quota)),
                    None => "No limit".to_string(),
                }}
                {manage.then(|| view! {
                    " "
                    <button type="button" class="button small" on:click=move |_| show_quota.set(true)>"Set quota"</button>
                })}
                </dd>
                <dt>"Clean-up"</dt>
                <dd>
                    {if manage {
                        view! { <a class="button small" href=format!("/r/{}/cleanup", registry.name)>"Clean up old tags"</a> }.into_any()
                    } else {
                        view! { <span class="muted">"Managers clean up old tags and set retention policies."</span> }.into_any()
                    }}
                </dd>
                <dt>"Last push"</dt>
                <dd>{registry.last_push_at.map(|t| t.to_string()).unwrap_or_else(|| "Never".to_string())}</dd>
            </dl>
        </section>
        <Repositories paging=repositories page=repository_page endpoint=registry.endpoint.clone() registry=registry.name.clone() />
        {manage.then(|| view! { <Destroy registry=registry.name.clone() destroy /> })}

        <Modal open=show_visibility id="visibility-dialog" title=if is_public { "Make this registry private?" } else { "Make this registry public?" }>
            <p>
                {if is_public {
                    "Anonymous pulls stop at once. Members of the workspace and robot credentials keep their access."
                } else {
                    "Anyone, signed in or not, will be able to pull every image in this registry. Pushing and deleting still need credentials."
                }}
            </p>
            <div class="dialog-actions">
                <button type="button" class="button" on:click=move |_| show_visibility.set(false)>"Cancel"</button>
                <button
                    type="button"
                    class="button primary"
                    on:click={
                        let name = name.clone();
                        move |_| {
                            visibility.dispatch(SetRegistryVisibility { registry: name.clone(), visibility: next });
                            show_visibility.set(false);
                        }
                    }
                >
                    {if is_public { "Make Private" } else { "Make Public" }}
                </button>
            </div>
        </Modal>
        <Modal open=show_quota id="quota-dialog" title="Storage quota">
            <p>"Pushes that would take this registry past the quota are refused. Leave blank for no limit."</p>
            <label>
                "Quota (GB)"
                <input
                    type="text"
                    inputmode="decimal"
                    name="quota"
                    prop:value=move || quota_text.get()
                    on:input=move |ev| quota_text.set(event_target_value(&ev))
                />
            </label>
            <div class="dialog-actions">
                <button type="button" class="button" on:click=move |_| show_quota.set(false)>"Cancel"</button>
                <button
                    type="button"
                    class="button primary"
                    on:click={
                        let registry = quota_registry.clone();
                        move |_| {
                            quota.dispatch(SetRegistryQuota { registry: registry.clone(), quota: quota_text.get_untracked() });
                            show_quota.set(false);
                        }
                    }
                >
                    "Save quota"
                </button>
            </div>
        </Modal>
        <Modal open=show_credentials id="credentials-dialog" title="Credentials">
            <Credentials host=credentials_host.clone() registry=credentials_registry.clone() username=credentials_user.clone() manage_robots />
        </Modal>
        <Modal open=show_commands id="push-commands" title="Push commands" kind="drawer">
            <PushCommands host=commands_host.clone() registry=commands_registry.clone() username=commands_user.clone() />
        </Modal>
    }
}

/// Which page of repositories the registry page shows.
#[derive(Clone, Copy)]
struct RepositoryPaging {
    filter: RwSignal<String>,
    position: PagePosition,
}

/// The registry's repositories, filtered and paged on the server; the filter sits
/// outside the reloading table so typing never re-renders it.
#[component]
fn Repositories(
    paging: RepositoryPaging,
    page: Resource<Result<RepositoryPage, ConsoleError>>,
    endpoint: String,
    registry: String,
) -> impl IntoView {
    let RepositoryPaging { filter, position } = paging;
    view! {
        <section class="card" aria-labelledby="repositories-title">
            <div class="section-header">
                <h2 id="repositories-title">"Repositories"</h2>
                <label class="visually-hidden" for="repository-filter">"Filter repositories"</label>
                <input
                    id="repository-filter"
                    type="search"
                    placeholder="Filter repositories"
                    on:input=move |ev| {
                        position.restart();
                        filter.set(event_target_value(&ev));
                    }
                />
            </div>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    let (endpoint, registry) = (endpoint.clone(), registry.clone());
                    Suspend::new(async move {
                        match page.await {
                            Ok(page) => view! { <RepositoryRows page position endpoint registry /> }.into_any(),
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

/// One page of repositories with the pager under it, or what to do when there are none.
#[component]
fn RepositoryRows(page: RepositoryPage, position: PagePosition, endpoint: String, registry: String) -> impl IntoView {
    let RepositoryPage { repositories, matching, total, next, previous } = page;
    if total == 0 {
        return view! {
            <div class="empty-state compact">
                <h3>"No images yet"</h3>
                <p class="muted">"Push your first image:"</p>
                <pre><code>{format!("docker push {endpoint}/my-app:latest")}</code></pre>
                <p class="muted small">"“View Push Commands” has every step for every client."</p>
            </div>
        }
        .into_any();
    }
    if matching == 0 {
        return view! { <p class="empty-row muted">"No repository matches the filter."</p> }.into_any();
    }
    let pages = page_count(matching, REPOSITORY_PAGE_SIZE);
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Repository"</th>
                        <th scope="col">"Tags"</th>
                        <th scope="col">"Size"</th>
                        <th scope="col">"Pulls"</th>
                        <th scope="col">"Last push"</th>
                    </tr>
                </thead>
                <tbody>
                    {repositories
                        .into_iter()
                        .map(|r| {
                            view! {
                                <tr data-repository=r.name.clone()>
                                    <td class="mono"><a href=format!("/r/{registry}/repo/{}", r.name)>{r.name.clone()}</a></td>
                                    <td>{r.tags}</td>
                                    <td>{human_bytes(r.size_bytes)}</td>
                                    <td>{r.pulls}</td>
                                    <td>{r.last_push_at.map(|t| t.to_string()).unwrap_or_else(|| "Never".to_string())}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <KeysetPager position pages next previous detail=format!(" · {matching} repositories") label="Pages of repositories" />
    }
    .into_any()
}

#[component]
fn Destroy(registry: String, destroy: ServerAction<DeleteRegistry>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let expected = registry.clone();
    let matches = move || typed.get() == expected;
    view! {
        <section class="card danger-zone" aria-labelledby="destroy-title">
            <h2 id="destroy-title">"Destroy registry"</h2>
            <p>
                "Every repository, tag and manifest in this registry goes, and its robot credentials stop working at once. This cannot be undone."
            </p>
            <ActionForm action=destroy>
                <div class="form narrow">
                    <input type="hidden" name="registry" value=registry.clone() />
                    <label for="confirm-destroy">"Type " <code>{registry.clone()}</code> " to confirm"</label>
                    <input id="confirm-destroy" name="confirm" autocomplete="off" on:input=move |ev| typed.set(event_target_value(&ev)) />
                    <button type="submit" class="button danger" disabled=move || !matches()>
                        "Destroy this registry"
                    </button>
                </div>
            </ActionForm>
            {move || destroy.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
        </section>
    }
}
