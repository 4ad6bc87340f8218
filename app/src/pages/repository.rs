//! A repository: its tags (sortable, paged, several deletable at once after one
//! confirmation), pull commands per tag, and deleting the whole repository.

use crate::components::confirm_deletion::{ConfirmDeletion, DeleteSelectedButton};
use crate::components::copy::{CopyBlock, CopyButton};
use crate::components::lock::LockIcon;
use crate::components::modal::Modal;
use crate::components::notice::{ErrorNotice, SuccessNotice};
use crate::components::pager::{KeysetPager, PagePosition, after_before, page_count};
use crate::components::shell::use_current_user;
use crate::domain::model::Visibility;
use crate::domain::policy::{Action, Target, user_may};
use crate::domain::time::human_bytes;
use crate::dto::RepositoryDetail;
use crate::dto::{Me, Referrer, Registry, TagPage, TagSort, UntaggedPage};
use crate::server_fns::registries::get_registry;
use crate::server_fns::repositories::{
    DeleteImage, DeleteRepository, DeleteRepositoryTags, SetRepositoryDescriptions, SetTagImmutability, get_repository, list_tag_page,
    list_untagged_images,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Tags per page: the server's page size (`services::repositories::TAG_PAGE_SIZE`).
const PAGE_SIZE: usize = 50;

/// Untagged images per page: the server's page size (`services::repositories::UNTAGGED_PAGE_SIZE`).
const UNTAGGED_PAGE_SIZE: usize = 20;

/// Which page of tags the repository page shows: the sort and the page.
#[derive(Clone, Copy)]
struct TagPaging {
    sort: RwSignal<TagSort>,
    position: PagePosition,
}

/// May the signed-in user delete content in this registry?
pub(crate) fn may_delete(me: Option<&Me>, registry: &Registry) -> bool {
    let Some(me) = me else { return false };
    let role = me.workspaces.iter().find(|w| w.name == registry.workspace).map(|w| w.role);
    let target = Target::Registry { registry_id: 0, public: registry.visibility == Visibility::Public, role };
    user_may(&me.username, me.is_admin, Action::DeleteContent, target)
}

#[component]
pub fn RepositoryPage() -> impl IntoView {
    let params = use_params_map();
    let registry_name = move || params.read().get("reg").unwrap_or_default();
    let path = move || params.read().get("repo").unwrap_or_default();
    let user = use_current_user();
    let delete_repository_tags = ServerAction::<DeleteRepositoryTags>::new();
    let delete_repository = ServerAction::<DeleteRepository>::new();
    let immutability = ServerAction::<SetTagImmutability>::new();
    let describe = ServerAction::<SetRepositoryDescriptions>::new();
    let delete_image = ServerAction::<DeleteImage>::new();
    let paging = TagPaging { sort: RwSignal::new(TagSort::Pushed), position: PagePosition::default() };
    let untagged_position = PagePosition::default();
    let data = Resource::new(
        move || {
            let versions = (
                delete_repository_tags.version().get(),
                immutability.version().get(),
                describe.version().get(),
                delete_image.version().get(),
            );
            let cursors = (paging.position.cursor.get(), untagged_position.cursor.get());
            (registry_name(), path(), paging.sort.get(), cursors, versions)
        },
        |(reg, path, sort, (cursor, untagged_cursor), _)| async move {
            let registry = get_registry(reg.clone()).await?;
            let full = format!("{reg}/{path}");
            let (after, before) = after_before(cursor);
            let tags = list_tag_page(full.clone(), sort, after, before).await?;
            let (after, before) = after_before(untagged_cursor);
            let untagged = list_untagged_images(full.clone(), after, before).await?;
            let detail = get_repository(full).await?;
            Ok::<_, crate::error::ConsoleError>((registry, tags, detail, untagged))
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let path = path();
                Suspend::new(async move {
                    let me = user.await.ok().flatten();
                    if let Some(Ok(())) = delete_repository.value().get() {
                        return view! {
                            <p class="notice success" role="status">{format!("Repository {path} deleted.")}</p>
                            <a class="button" href=format!("/r/{}", registry_name())>"Back to the registry"</a>
                        }
                            .into_any();
                    }
                    match data.await {
                        Ok((registry, tags, detail, untagged)) => {
                            let manage = may_delete(me.as_ref(), &registry);
                            let immutable = detail.immutable_tags;
                            let full = format!("{}/{}", registry.name, path);
                            view! {
                                <Tags registry=registry.clone() path=path.clone() tags paging manage immutable immutability delete_repository_tags />
                                <UntaggedImages registry path=path.clone() page=untagged position=untagged_position manage delete_image />
                                <Description detail full=full.clone() manage describe />
                                {manage.then(|| view! { <DeleteRepositoryForm full=full.clone() path=path.clone() delete_repository /> })}
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn Tags(
    registry: Registry,
    path: String,
    tags: TagPage,
    paging: TagPaging,
    manage: bool,
    immutable: bool,
    immutability: ServerAction<SetTagImmutability>,
    delete_repository_tags: ServerAction<DeleteRepositoryTags>,
) -> impl IntoView {
    let image = format!("{}/{path}", registry.endpoint);
    let full = format!("{}/{path}", registry.name);
    let selected = RwSignal::new(Vec::<String>::new());
    let confirming = RwSignal::new(false);
    let TagPage { tags: rows, total, next, previous, newest } = tags;
    let pages = page_count(total, PAGE_SIZE);
    let sort_button = move |key: TagSort, label: &'static str| {
        view! {
            <button
                type="button"
                class="sort"
                aria-pressed=move || (paging.sort.get() == key).to_string()
                on:click=move |_| {
                    paging.position.restart();
                    paging.sort.set(key);
                }
            >
                {label}
            </button>
        }
    };
    let tags_full = full.clone();
    let registry_link = format!("/r/{}", registry.name);
    let image_for_rows = image.clone();
    let tag_link_base = format!("/r/{}/tag/{path}", registry.name);

    view! {
        <Title text=path.clone() />
        <header class="page-header">
            <div>
                <p class="eyebrow">
                    <a href=registry_link.clone()>{registry.name.clone()}</a>
                    " · Repository"
                </p>
                <h1 class="mono">{path.clone()}</h1>
            </div>
        </header>
        <section class="card settings-row" aria-label="Tag immutability">
            <p>
                <strong>{immutable.then(|| view! { <LockIcon label="Immutable" /> " " })}{if immutable { "Tags are immutable" } else { "Tags can be overwritten" }}</strong>
                <span class="muted small">
                    {if immutable {
                        " — a pushed tag cannot be moved to other content or deleted."
                    } else {
                        " — pushing an existing tag moves it to the new image."
                    }}
                </span>
            </p>
            {manage.then(|| {
                let full = full.clone();
                view! {
                    <button
                        type="button"
                        class="button small"
                        on:click=move |_| { immutability.dispatch(SetTagImmutability { repository: full.clone(), immutable: !immutable }); }
                    >
                        {if immutable { "Allow overwrites" } else { "Make tags immutable" }}
                    </button>
                }
            })}
        </section>
        {move || immutability.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
        <section class="card" aria-label="Pull">
            <p class="command-label">"Pull the newest tag"</p>
            <CopyBlock text=format!("docker pull {image}:{}", newest.unwrap_or_else(|| "latest".into())) label="Copy pull command" />
        </section>
        {move || {
            delete_repository_tags
                .value()
                .get()
                .map(|result| match result {
                    Ok(n) => view! { <SuccessNotice message=format!("Deleted {n} tags.") /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })
        }}
        <section class="card" aria-labelledby="tags-title">
            <div class="section-header">
                <h2 id="tags-title">{format!("Tags ({total})")}</h2>
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
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            {manage.then(|| view! { <th scope="col"><span class="visually-hidden">"Select"</span></th> })}
                            <th scope="col">{sort_button(TagSort::Name, "Tag")}</th>
                            <th scope="col">"Digest"</th>
                            <th scope="col">{sort_button(TagSort::Size, "Size")}</th>
                            <th scope="col">"OS/Arch"</th>
                            <th scope="col">{sort_button(TagSort::Pushed, "Pushed")}</th>
                            <th scope="col">"Last pulled"</th>
                            <th scope="col">{sort_button(TagSort::Pulls, "Pulls")}</th>
                            <th scope="col">"Pull (tag, digest)"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                                .into_iter()
                                .map(|t| {
                                    let (check_name, checked_name) = (t.name.clone(), t.name.clone());
                                    let short = t.digest.split(':').nth(1).map(|h| h[..12.min(h.len())].to_string()).unwrap_or_default();
                                    let pull = format!("docker pull {}:{}", image_for_rows, t.name);
                                    let pull_digest = format!("docker pull {}@{}", image_for_rows, t.digest);
                                    view! {
                                        <tr data-tag=t.name.clone()>
                                            {manage
                                                .then(move || {
                                                    view! {
                                                        <td>
                                                            <input
                                                                type="checkbox"
                                                                aria-label=format!("Select {check_name}")
                                                                prop:checked=move || selected.with(|s| s.contains(&checked_name))
                                                                on:change=move |_| {
                                                                    let name = check_name.clone();
                                                                    selected.update(|s| match s.iter().position(|n| *n == name) {
                                                                        Some(i) => { s.remove(i); }
                                                                        None => s.push(name),
                                                                    })
                                                                }
                                                            />
                                                        </td>
                                                    }
                                                })}
                                            <td>
                                                <a href=format!("{tag_link_base}:{}", t.name)><strong>{t.name.clone()}</strong></a>
                                                {immutable.then(|| view! { " " <LockIcon label="immutable" /> })}
                                                <ReferrerBadges referrers=t.referrers.clone() />
                                            </td>
                                            <td class="mono inline">{short} <CopyButton text=t.digest.clone() label=format!("Copy digest of {}", t.name) /></td>
                                            <td>{human_bytes(t.size_bytes)}</td>
                                            <td>{t.platform.clone().unwrap_or_else(|| "—".into())}</td>
                                            <td>{t.pushed_at.to_string()}</td>
                                            <td>{t.last_pulled_at.map(|x| x.to_string()).unwrap_or_else(|| "Never".into())}</td>
                                            <td>{t.pulls}</td>
                                            <td class="row-actions">
                                                <CopyButton text=pull label=format!("Copy pull command for {}", t.name) />
                                                <CopyButton text=pull_digest label=format!("Copy pull-by-digest command for {}", t.name) />
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                    </tbody>
                </table>
            </div>
            <KeysetPager position=paging.position pages next previous label="Pages of tags" />
        </section>
        <ConfirmDeletion
            open=confirming
            id="confirm-delete-tags"
            title="Delete tags?"
            intro="These tags will be deleted. An image no other tag names goes with its tag, together with its signatures, SBOMs and other referrers:"
            items=selected
            noun="tags"
            on_confirm=Callback::new(move |tags: Vec<String>| {
                delete_repository_tags.dispatch(DeleteRepositoryTags { repository: tags_full.clone(), tags });
                selected.set(Vec::new());
            })
        />
    }
}

/// The signatures, SBOMs and other artifacts that refer to an image, under it.
#[component]
fn ReferrerBadges(referrers: Vec<Referrer>) -> impl IntoView {
    (!referrers.is_empty()).then(|| {
        view! {
            <ul class="referrers" aria-label="Referrers">
                {referrers
                    .into_iter()
                    .map(|r| {
                        let short = r.digest.split(':').nth(1).map(|h| h[..12.min(h.len())].to_string()).unwrap_or_default();
                        view! { <li class="badge" title=format!("{} · {}", r.digest, human_bytes(r.size_bytes)) data-referrer=r.digest.clone()>{format!("{} ", r.label())}<span class="mono">{short}</span></li> }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

/// Images no tag names (pushed by digest, or left when their tag moved), each with
/// its referrers; managers delete one with everything that refers to it.
#[component]
fn UntaggedImages(
    registry: Registry,
    path: String,
    page: UntaggedPage,
    position: PagePosition,
    manage: bool,
    delete_image: ServerAction<DeleteImage>,
) -> impl IntoView {
    let UntaggedPage { images, total, next, previous } = page;
    let pages = page_count(total, UNTAGGED_PAGE_SIZE);
    let full = format!("{}/{path}", registry.name);
    let confirming = RwSignal::new(None::<(String, usize)>);
    let open = RwSignal::new(false);
    let image = format!("{}/{path}", registry.endpoint);
    view! {
        {move || {
            delete_image.value().get().map(|result| match result {
                Ok(n) => view! { <SuccessNotice message=format!("Deleted the image and {} manifests with it.", n.saturating_sub(1)) /> }.into_any(),
                Err(error) => view! { <ErrorNotice error /> }.into_any(),
            })
        }}
        {(total > 0).then(|| view! {
            <section class="card" aria-labelledby="untagged-title">
                <h2 id="untagged-title">{format!("Untagged images ({total})")}</h2>
                <p class="muted small">"Images no tag names: pushed by digest, or left behind when their tag moved. Pull them by digest."</p>
                <div class="table-wrap">
                    <table class="table" data-testid="untagged-images">
                        <thead>
                            <tr>
                                <th scope="col">"Digest"</th>
                                <th scope="col">"Type"</th>
                                <th scope="col">"Size"</th>
                                <th scope="col">"Pushed"</th>
                                <th scope="col">"Pull"</th>
                                {manage.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                            </tr>
                        </thead>
                        <tbody>
                            {images.into_iter().map(|i| {
                                let digest = i.digest.clone();
                                let referrers = i.referrers.len();
                                let kind = i.platform.clone().or(i.artifact_type.clone()).unwrap_or_else(|| i.media_type.clone());
                                view! {
                                    <tr data-digest=i.digest.clone()>
                                        <td class="mono inline" title=i.digest.clone()>
                                            {i.digest.split(':').nth(1).map(|h| h[..12.min(h.len())].to_string()).unwrap_or_default()}
                                            <CopyButton text=i.digest.clone() label=format!("Copy digest {}", i.digest) />
                                            <ReferrerBadges referrers=i.referrers.clone() />
                                        </td>
                                        <td class="small">{kind}</td>
                                        <td>{human_bytes(i.size_bytes)}</td>
                                        <td>{i.pushed_at.to_string()}</td>
                                        <td><CopyButton text=format!("docker pull {image}@{}", i.digest) label=format!("Copy pull command for {}", i.digest) /></td>
                                        {manage.then(|| view! {
                                            <td><button type="button" class="button small danger-outline" on:click=move |_| {
                                                confirming.set(Some((digest.clone(), referrers)));
                                                open.set(true);
                                            }>"Delete"</button></td>
                                        })}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {(pages > 1).then(|| view! { <KeysetPager position pages next previous label="Pages of untagged images" /> })}
            </section>
        })}
        <Modal open=open id="confirm-delete-image" title="Delete this image?">
            <p class="mono small">{move || confirming.get().map(|(d, _)| d).unwrap_or_default()}</p>
            <p>{move || match confirming.get() {
                Some((_, 0)) | None => "The image is deleted. This cannot be undone.".to_string(),
                Some((_, n)) => format!("The image and the {n} signatures, SBOMs or other artifacts that refer to it are deleted. This cannot be undone."),
            }}</p>
            <div class="dialog-actions">
                <button type="button" class="button" on:click=move |_| open.set(false)>"Cancel"</button>
                <button
                    type="button"
                    class="button danger"
                    on:click={
                        let full = full.clone();
                        move |_| {
                            if let Some((digest, _)) = confirming.get_untracked() {
                                delete_image.dispatch(DeleteImage { repository: full.clone(), digest });
                            }
                            open.set(false);
                        }
                    }
                >
                    "Delete image"
                </button>
            </div>
        </Modal>
    }
}

#[component]
fn DeleteRepositoryForm(full: String, path: String, delete_repository: ServerAction<DeleteRepository>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let expected = path.clone();
    view! {
        <section class="card danger-zone" aria-labelledby="delete-repo-title">
            <h2 id="delete-repo-title">"Delete repository"</h2>
            <p>"Every tag and manifest in this repository goes. This cannot be undone."</p>
            <ActionForm action=delete_repository>
                <div class="form narrow">
                    <input type="hidden" name="repository" value=full />
                    <label for="confirm-repository">"Type " <code>{path.clone()}</code> " to confirm"</label>
                    <input id="confirm-repository" name="confirm" autocomplete="off" on:input=move |ev| typed.set(event_target_value(&ev)) />
                    <button type="submit" class="button danger" disabled=move || typed.get() != expected>"Delete this repository"</button>
                </div>
            </ActionForm>
            {move || delete_repository.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
        </section>
    }
}

/// The repository's descriptions: the Markdown rendered (sanitized), and for managers
/// an editor with a live preview.
#[component]
fn Description(detail: RepositoryDetail, full: String, manage: bool, describe: ServerAction<SetRepositoryDescriptions>) -> impl IntoView {
    let text = RwSignal::new(detail.description.clone());
    let editing = RwSignal::new(false);
    let rendered = crate::domain::markdown::render(&detail.description);
    view! {
        <section class="card" aria-labelledby="description-title">
            <div class="section-header">
                <h2 id="description-title">"About"</h2>
                {manage.then(|| view! {
                    <button type="button" class="button small" on:click=move |_| editing.update(|e| *e = !*e)>
                        {move || if editing.get() { "Close editor" } else { "Edit description" }}
                    </button>
                })}
            </div>
            {(!detail.short_description.is_empty()).then(|| view! { <p class="lead" data-testid="short-description">{detail.short_description.clone()}</p> })}
            {if detail.description.is_empty() {
                view! { <p class="muted small">"No description yet."</p> }.into_any()
            } else {
                view! { <div class="markdown" data-testid="description" inner_html=rendered></div> }.into_any()
            }}
            {move || describe.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
            <div hidden=move || !editing.get()>
                <ActionForm action=describe>
                    <div class="form">
                        <input type="hidden" name="repository" value=full.clone() />
                        <label for="short-description">"Short description (at most 100 characters)"</label>
                        <input id="short-description" name="short_description" maxlength="100" value=detail.short_description.clone() />
                        <div class="editor">
                            <div>
                                <label for="description-text">"Description (Markdown)"</label>
                                <textarea
                                    id="description-text"
                                    name="description"
                                    rows="10"
                                    prop:value=move || text.get()
                                    on:input=move |ev| text.set(event_target_value(&ev))
                                ></textarea>
                            </div>
                            <div>
                                <p class="command-label">"Preview"</p>
                                <div class="markdown preview" data-testid="preview" inner_html=move || crate::domain::markdown::render(&text.get())></div>
                            </div>
                        </div>
                        <button type="submit" class="button primary">"Save description"</button>
                    </div>
                </ActionForm>
            </div>
        </section>
    }
}
