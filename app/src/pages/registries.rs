//! A workspace's registries: filter, sort, page, select several and delete them
//! after one confirmation, and create a new one.

use crate::components::confirm_deletion::{ConfirmDeletion, DeleteSelectedButton};
use crate::components::notice::{ErrorNotice, SuccessNotice};
use crate::components::pager::{KeysetPager, PagePosition, after_before, page_count};
use crate::components::shell::use_current_user;
use crate::components::workspace::{WorkspaceHeader, may, use_workspace_name};
use crate::domain::model::Visibility;
use crate::domain::names::ResourceName;
use crate::domain::policy::Action;
use crate::domain::time::human_bytes;
use crate::dto::{RegistryPage, RegistrySort};
use crate::server_fns::registries::{CreateRegistry, DeleteRegistries, list_registry_page};
use crate::server_fns::workspaces::get_workspace;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Registries per page: the server's page size (`services::registries::REGISTRY_PAGE_SIZE`).
const PAGE_SIZE: usize = 25;

/// Which page of registries the list shows: the filter, the sort and the page,
/// kept above the table so typing in the filter never re-renders the input.
#[derive(Clone, Copy)]
struct RegistryPaging {
    filter: RwSignal<String>,
    sort: RwSignal<RegistrySort>,
    position: PagePosition,
}

#[component]
pub fn RegistriesPage() -> impl IntoView {
    let name = use_workspace_name();
    let create = ServerAction::<CreateRegistry>::new();
    let delete = ServerAction::<DeleteRegistries>::new();
    let user = use_current_user();
    let workspace = Resource::new(name.clone(), get_workspace);
    let query = use_query_map();
    let paging = RegistryPaging {
        filter: RwSignal::new(query.read_untracked().get("q").unwrap_or_default()),
        sort: RwSignal::new(RegistrySort::Name),
        position: PagePosition::default(),
    };
    let registries = Resource::new(
        {
            let name = name.clone();
            move || {
                (
                    name(),
                    paging.filter.get(),
                    paging.sort.get(),
                    paging.position.cursor.get(),
                    create.version().get(),
                    delete.version().get(),
                )
            }
        },
        |(ws, filter, sort, cursor, _, _)| {
            let (after, before) = after_before(cursor);
            list_registry_page(ws, sort, filter, after, before)
        },
    );
    let selected = RwSignal::new(Vec::<String>::new());
    let confirming = RwSignal::new(false);
    view! {
        <Title text="Registries" />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let current = user.await.ok().flatten();
                let ws = match workspace.await {
                    Ok(ws) => ws,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let manage = may(current.as_ref(), &ws, Action::CreateRegistry);
                let workspace_name = ws.name.clone();
                view! {
                    <WorkspaceHeader workspace=ws subtitle="Registries" />
                    <div class="columns">
                        <section class="card grow" aria-label="Registries">
                            <RegistryToolbar paging selected confirming manage />
                            <DeletedNotice delete />
                            // Only the rows re-render as the filter, sort or page change.
                            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                                {move || Suspend::new(async move {
                                    match registries.await {
                                        Ok(page) => view! { <RegistryRows page paging selected manage /> }.into_any(),
                                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                                    }
                                })}
                            </Transition>
                            <ConfirmDeletion
                                open=confirming
                                id="confirm-delete-registries"
                                title="Delete registries?"
                                intro="These registries, with every repository, tag and manifest in them, will be deleted:"
                                note="Robot credentials of these registries stop working at once. This cannot be undone."
                                items=selected
                                noun="registries"
                                on_confirm=Callback::new(move |names: Vec<String>| {
                                    delete.dispatch(DeleteRegistries { names });
                                    selected.set(Vec::new());
                                })
                            />
                        </section>
                        {manage.then(|| view! { <CreateRegistryForm workspace=workspace_name create /> })}
                    </div>
                }
                    .into_any()
            })}
        </Transition>
    }
}

/// Filter, sort and "Delete selected" above the registry table.
#[component]
fn RegistryToolbar(paging: RegistryPaging, selected: RwSignal<Vec<String>>, confirming: RwSignal<bool>, manage: bool) -> impl IntoView {
    view! {
        <div class="toolbar">
            <label class="visually-hidden" for="registry-filter">"Filter registries by name"</label>
            <input
                id="registry-filter"
                type="search"
                placeholder="Filter by name"
                prop:value=move || paging.filter.get()
                on:input=move |ev| {
                    paging.position.restart();
                    paging.filter.set(event_target_value(&ev));
                }
            />
            <label for="registry-sort">"Sort by"</label>
            <select
                id="registry-sort"
                on:change=move |ev| {
                    paging.position.restart();
                    paging.sort.set(match event_target_value(&ev).as_str() {
                        "created" => RegistrySort::Created,
                        "size" => RegistrySort::Size,
                        "last_push" => RegistrySort::LastPush,
                        _ => RegistrySort::Name,
                    })
                }
            >
                <option value="name">"Name"</option>
                <option value="created">"Newest"</option>
                <option value="size">"Largest"</option>
                <option value="last_push">"Last push"</option>
            </select>
            <div class="toolbar-spacer"></div>
            {manage
                .then(|| {
                    view! {
                        <DeleteSelectedButton
                            count=Signal::derive(move || selected.with(Vec::len))
                            on_click=Callback::new(move |()| confirming.set(true))
                        />
                    }
                })}
        </div>
    }
}

#[component]
fn DeletedNotice(delete: ServerAction<DeleteRegistries>) -> impl IntoView {
    move || {
        delete.value().get().map(|result| match result {
            Ok(reports) => {
                let names: Vec<String> = reports.iter().map(|r| r.registry.clone()).collect();
                view! { <SuccessNotice message=format!("Deleted {}.", names.join(", ")) /> }.into_any()
            }
            Err(error) => view! { <ErrorNotice error /> }.into_any(),
        })
    }
}

/// One page of registries, with the pager under it.
#[component]
fn RegistryRows(page: RegistryPage, paging: RegistryPaging, selected: RwSignal<Vec<String>>, manage: bool) -> impl IntoView {
    let RegistryPage { registries, matching, total, next, previous } = page;
    let pages = page_count(matching, PAGE_SIZE);
    let toggle = move |name: String| {
        selected.update(|s| {
            if let Some(i) = s.iter().position(|n| *n == name) {
                s.remove(i);
            } else {
                s.push(name);
            }
        })
    };
    let empty = registries.is_empty();
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="registry-table">
                <thead>
                    <tr>
                        {manage.then(|| view! { <th scope="col"><span class="visually-hidden">"Select"</span></th> })}
                        <th scope="col">"Name"</th>
                        <th scope="col">"Visibility"</th>
                        <th scope="col">"Repositories"</th>
                        <th scope="col">"Tags"</th>
                        <th scope="col">"Storage"</th>
                        <th scope="col">"Last push"</th>
                        <th scope="col">"Created"</th>
                    </tr>
                </thead>
                <tbody>
                    {registries
                        .into_iter()
                        .map(|r| {
                            let name = r.name.clone();
                            let checkbox_name = r.name.clone();
                            let checked_name = r.name.clone();
                            view! {
                                <tr data-registry=r.name.clone()>
                                    {manage
                                        .then(move || {
                                            view! {
                                                <td>
                                                    <input
                                                        type="checkbox"
                                                        aria-label=format!("Select {checkbox_name}")
                                                        prop:checked=move || selected.with(|s| s.contains(&checked_name))
                                                        on:change=move |_| toggle(checkbox_name.clone())
                                                    />
                                                </td>
                                            }
                                        })}
                                    <td>
                                        <a href=format!("/r/{name}")>
                                            <strong>{name.clone()}</strong>
                                        </a>
                                    </td>
                                    <td>
                                        <VisibilityBadge visibility=r.visibility />
                                    </td>
                                    <td>{r.repositories}</td>
                                    <td>{r.tags}</td>
                                    <td>{human_bytes(r.size_bytes)}</td>
                                    <td>{r.last_push_at.map(|t| t.to_string()).unwrap_or_else(|| "Never".to_string())}</td>
                                    <td>{r.created_at.to_string()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        {empty
            .then(|| {
                view! {
                    <p class="empty-row muted">
                        {if total == 0 { "No registries yet. Create one to push your first image." } else { "No registry matches the filter." }}
                    </p>
                }
            })}
        <KeysetPager position=paging.position pages next previous detail=format!(" · {matching} registries") />
    }
}

#[component]
pub fn VisibilityBadge(visibility: Visibility) -> impl IntoView {
    match visibility {
        Visibility::Public => view! { <span class="badge public">"Public"</span> },
        Visibility::Private => view! { <span class="badge private">"Private"</span> },
    }
}

#[component]
fn CreateRegistryForm(workspace: String, create: ServerAction<CreateRegistry>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let problem = move || {
        let name = typed.get();
        (!name.is_empty()).then(|| ResourceName::parse("name", &name).err().map(|e| e.message())).flatten()
    };
    view! {
        <section class="card side" aria-labelledby="create-registry-title">
            <h2 id="create-registry-title">"Create registry"</h2>
            <ActionForm action=create>
                <div class="form">
                    <input type="hidden" name="workspace" value=workspace />
                    <label for="registry-name">"Name"</label>
                    <input
                        id="registry-name"
                        name="name"
                        required
                        minlength="2"
                        maxlength="63"
                        autocomplete="off"
                        autocapitalize="none"
                        spellcheck="false"
                        aria-describedby="registry-name-hint"
                        aria-invalid=move || problem().is_some().to_string()
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                    <p id="registry-name-hint" class="hint">
                        {move || {
                            problem()
                                .unwrap_or_else(|| {
                                    "Lowercase letters and digits, separated by '.', '_' or '-'. Unique on this instance; it cannot be changed later."
                                        .to_string()
                                })
                        }}
                    </p>
                    <fieldset class="radio-group">
                        <legend>"Visibility"</legend>
                        <label class="checkbox">
                            <input type="radio" name="visibility" value="private" checked />
                            "Private — only members and robot credentials pull"
                        </label>
                        <label class="checkbox">
                            <input type="radio" name="visibility" value="public" />
                            "Public — anyone may pull; pushing always needs credentials"
                        </label>
                    </fieldset>
                    <label for="registry-description">"Description " <span class="muted">"(optional)"</span></label>
                    <textarea id="registry-description" name="description" maxlength="1000" rows="3"></textarea>
                    <button type="submit" class="button primary" disabled=move || create.pending().get() || problem().is_some()>
                        "Create registry"
                    </button>
                </div>
            </ActionForm>
            {move || {
                create
                    .value()
                    .get()
                    .map(|result| match result {
                        Ok(r) => {
                            view! {
                                <p class="notice success" role="status">
                                    "Registry " <a href=format!("/r/{}", r.name)>{r.name.clone()}</a> " created."
                                </p>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    })
            }}
        </section>
    }
}
