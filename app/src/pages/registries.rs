//! A workspace's registries: filter, sort, page, select several and delete them
//! after one confirmation, and create a new one.

use crate::components::confirm_deletion::{ConfirmDeletion, DeleteSelectedButton};
use crate::components::notice::{ErrorNotice, SuccessNotice};
use crate::components::pager::Pager;
use crate::components::shell::use_current_user;
use crate::components::workspace::{WorkspaceHeader, may, use_workspace_name};
use crate::domain::model::Visibility;
use crate::domain::names::ResourceName;
use crate::domain::policy::Action;
use crate::domain::time::human_bytes;
use crate::dto::RegistrySummary;
use crate::server_fns::registries::{CreateRegistry, DeleteRegistries, list_registries};
use crate::server_fns::workspaces::get_workspace;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const PAGE_SIZE: usize = 25;

#[component]
pub fn RegistriesPage() -> impl IntoView {
    let name = use_workspace_name();
    let create = ServerAction::<CreateRegistry>::new();
    let delete = ServerAction::<DeleteRegistries>::new();
    let user = use_current_user();
    let workspace = Resource::new(name.clone(), get_workspace);
    let registries = Resource::new(
        {
            let name = name.clone();
            move || (name(), create.version().get(), delete.version().get())
        },
        |(ws, _, _)| list_registries(ws),
    );
    view! {
        <Title text="Registries" />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let current = user.await.ok().flatten();
                let ws = match workspace.await {
                    Ok(ws) => ws,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let list = match registries.await {
                    Ok(list) => list,
                    Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                };
                let manage = may(current.as_ref(), &ws, Action::CreateRegistry);
                let workspace_name = ws.name.clone();
                view! {
                    <WorkspaceHeader workspace=ws subtitle="Registries" />
                    <div class="columns">
                        <section class="card grow" aria-label="Registries">
                            <RegistryTable registries=list manage delete />
                        </section>
                        {manage.then(|| view! { <CreateRegistryForm workspace=workspace_name create /> })}
                    </div>
                }
                    .into_any()
            })}
        </Transition>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum SortKey {
    Name,
    Created,
    Size,
    LastPush,
}

#[component]
fn RegistryTable(registries: Vec<RegistrySummary>, manage: bool, delete: ServerAction<DeleteRegistries>) -> impl IntoView {
    let query = use_query_map();
    let filter = RwSignal::new(query.read_untracked().get("q").unwrap_or_default());
    let sort = RwSignal::new(SortKey::Name);
    let page = RwSignal::new(0usize);
    let selected = RwSignal::new(Vec::<String>::new());
    let confirming = RwSignal::new(false);
    let all = StoredValue::new(registries);

    let visible = Memo::new(move |_| {
        let needle = filter.get().to_lowercase();
        let mut rows: Vec<RegistrySummary> =
            all.get_value().into_iter().filter(|r| needle.is_empty() || r.name.contains(&needle)).collect();
        match sort.get() {
            SortKey::Name => rows.sort_by(|a, b| a.name.cmp(&b.name)),
            SortKey::Created => rows.sort_by_key(|r| std::cmp::Reverse(r.created_at)),
            SortKey::Size => rows.sort_by_key(|r| std::cmp::Reverse(r.size_bytes)),
            SortKey::LastPush => rows.sort_by_key(|r| std::cmp::Reverse(r.last_push_at)),
        }
        rows
    });
    let pages = move || visible.with(|rows| rows.len().div_ceil(PAGE_SIZE).max(1));
    let page_rows = move || {
        let start = page.get().min(pages() - 1) * PAGE_SIZE;
        visible.with(|rows| rows.iter().skip(start).take(PAGE_SIZE).cloned().collect::<Vec<_>>())
    };
    let toggle = move |name: String| {
        selected.update(|s| {
            if let Some(i) = s.iter().position(|n| *n == name) {
                s.remove(i);
            } else {
                s.push(name);
            }
        })
    };

    view! {
        <div class="toolbar">
            <label class="visually-hidden" for="registry-filter">"Filter registries by name"</label>
            <input
                id="registry-filter"
                type="search"
                placeholder="Filter by name"
                prop:value=move || filter.get()
                on:input=move |ev| {
                    filter.set(event_target_value(&ev));
                    page.set(0);
                }
            />
            <label for="registry-sort">"Sort by"</label>
            <select
                id="registry-sort"
                on:change=move |ev| {
                    sort.set(match event_target_value(&ev).as_str() {
                        "created" => SortKey::Created,
                        "size" => SortKey::Size,
                        "last_push" => SortKey::LastPush,
                        _ => SortKey::Name,
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
        {move || {
            delete
                .value()
                .get()
                .map(|result| match result {
                    Ok(reports) => {
                        let names: Vec<String> = reports.iter().map(|r| r.registry.clone()).collect();
                        view! { <SuccessNotice message=format!("Deleted {}.", names.join(", ")) /> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })
        }}
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
                    {move || {
                        page_rows()
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
                            .collect_view()
                    }}
                </tbody>
            </table>
        </div>
        {move || {
            visible
                .with(Vec::is_empty)
                .then(|| {
                    view! {
                        <p class="empty-row muted">
                            {if all.with_value(Vec::is_empty) {
                                "No registries yet. Create one to push your first image."
                            } else {
                                "No registry matches the filter."
                            }}
                        </p>
                    }
                })
        }}
        <Pager page=page pages=Signal::derive(pages) detail=Signal::derive(move || format!(" · {} registries", visible.with(Vec::len))) />
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
