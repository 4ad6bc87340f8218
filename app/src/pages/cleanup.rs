//! A registry's clean-up page: pick a base date, a tag pattern and how many recent
//! tags to keep per repository; preview every tag that would go (with the reason and
//! the bytes it frees; immutable ones listed as protected); delete all or a
//! selection. Below, the same kind of rule saved as a retention policy that runs on a
//! schedule, and the log of its runs.

use crate::components::confirm_deletion::{ConfirmDeletion, DeleteSelectedButton};
use crate::components::lock::LockIcon;
use crate::components::notice::{ErrorNotice, SuccessNotice};
use crate::domain::cleanup::CleanupForm;
use crate::domain::time::human_bytes;
use crate::dto::{CleanupCandidate, RetentionPolicy, RetentionRun};
use crate::server_fns::lifecycle::{ApplyCleanup, PreviewCleanup, RunRetentionNow, SaveRetentionPolicy, get_retention};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeSet;

fn key(c: &CleanupCandidate) -> String {
    format!("{}:{}", c.repository, c.tag)
}

#[component]
pub fn CleanupPage() -> impl IntoView {
    let params = use_params_map();
    let registry = move || params.read().get("reg").unwrap_or_default();
    view! {
        <Title text=move || format!("Clean up · {}", registry()) />
        <header class="page-header">
            <div>
                <p class="eyebrow"><a href=move || { format!("/r/{}", registry()) }>{registry}</a> " · Clean up"</p>
                <h1>"Clean up old tags"</h1>
                <p class="muted">
                    "Tags matching the pattern are ranked per repository, newest push first. The newest ones you keep stay; of the rest, those pushed before the base date are deleted, with the images and signatures only they kept. Immutable tags are never deleted."
                </p>
            </div>
        </header>
        {move || view! { <Cleanup registry=registry() /> <Retention registry=registry() /> }}
    }
}

#[component]
fn Cleanup(registry: String) -> impl IntoView {
    let (pushed_before, tag_pattern, keep_latest) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new("10".to_string()));
    let preview = ServerAction::<PreviewCleanup>::new();
    let apply = ServerAction::<ApplyCleanup>::new();
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let confirming = RwSignal::new(false);
    let run_preview = {
        let registry = registry.clone();
        move || {
            preview.dispatch(PreviewCleanup {
                registry: registry.clone(),
                pushed_before: pushed_before.get_untracked(),
                tag_pattern: tag_pattern.get_untracked(),
                keep_latest: keep_latest.get_untracked(),
            });
        }
    };
    // After a deletion, show what the rule selects now.
    Effect::new({
        let run_preview = run_preview.clone();
        move |_| {
            if let Some(Ok(_)) = apply.value().get() {
                selected.set(BTreeSet::new());
                run_preview();
            }
        }
    });
    let candidates = move || preview.value().get().and_then(Result::ok).map(|p| p.candidates).unwrap_or_default();
    let deletable = move || candidates().into_iter().filter(|c| !c.protected).map(|c| key(&c)).collect::<BTreeSet<_>>();
    let delete = {
        let registry = registry.clone();
        move |only: Vec<String>| {
            apply.dispatch(ApplyCleanup {
                registry: registry.clone(),
                pushed_before: pushed_before.get_untracked(),
                tag_pattern: tag_pattern.get_untracked(),
                keep_latest: keep_latest.get_untracked(),
                only,
            });
        }
    };
    let to_delete = RwSignal::new(Vec::<String>::new());

    view! {
        <section class="card" aria-labelledby="rule-title">
            <h2 id="rule-title">"Rule"</h2>
            <form
                class="form rule-form"
                on:submit={
                    let run_preview = run_preview.clone();
                    move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        run_preview();
                    }
                }
            >
                <TextField label="Pushed before" name="pushed_before" value=pushed_before kind="date" />
                <TextField label="Tag pattern" name="tag_pattern" value=tag_pattern placeholder="e.g. v1.* or *-rc?" />
                <TextField label="Keep the newest (per repository)" name="keep_latest" value=keep_latest numeric=true />
                <button type="submit" class="button primary" disabled=move || preview.pending().get()>"Preview"</button>
            </form>
            <p class="muted small">"Leave a field blank to not use it. A base date or a number to keep is needed; the pattern matches tag names with * and ?."</p>
        </section>
        {move || {
            apply
                .value()
                .get()
                .map(|result| match result {
                    Ok(report) => {
                        let protected = if report.skipped_protected.is_empty() {
                            String::new()
                        } else {
                            format!(" {} protected tags were kept.", report.skipped_protected.len())
                        };
                        let message = format!("Deleted {} tags, freed {}.{protected}", report.deleted.len(), human_bytes(report.bytes_freed));
                        view! { <SuccessNotice message /> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })
        }}
        {move || {
            preview
                .value()
                .get()
                .map(|result| match result {
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    Ok(p) => {
                        let total = p.candidates.len();
                        let protected = p.candidates.iter().filter(|c| c.protected).count();
                        let summary = format!(
                            "{} tags would be deleted, freeing {}.{}",
                            total - protected,
                            human_bytes(p.bytes_freed),
                            if protected > 0 { format!(" {protected} immutable tags match but are protected.") } else { String::new() },
                        );
                        view! {
                            <section class="card" aria-labelledby="preview-title">
                                <div class="section-header">
                                    <h2 id="preview-title">"Preview"</h2>
                                    <div class="header-actions">
                                        <DeleteSelectedButton
                                            count=Signal::derive(move || selected.with(BTreeSet::len))
                                            on_click=Callback::new(move |()| {
                                                to_delete.set(selected.get_untracked().into_iter().collect());
                                                confirming.set(true);
                                            })
                                        />
                                        <button
                                            type="button"
                                            class="button danger"
                                            disabled=total == protected
                                            on:click=move |_| {
                                                to_delete.set(deletable().into_iter().collect());
                                                confirming.set(true);
                                            }
                                        >
                                            {format!("Delete all ({})", total - protected)}
                                        </button>
                                    </div>
                                </div>
                                <p data-testid="preview-summary">{summary}</p>
                                {if p.candidates.is_empty() {
                                    view! { <p class="muted">"No tag matches this rule."</p> }.into_any()
                                } else {
                                    view! { <CandidateTable candidates=p.candidates selected /> }.into_any()
                                }}
                            </section>
                        }
                            .into_any()
                    }
                })
        }}
        <ConfirmDeletion
            open=confirming
            id="confirm-cleanup"
            title="Delete these tags?"
            intro="These tags will be deleted, with the images and referrers only they kept. This cannot be undone."
            items=to_delete
            noun="tags"
            on_confirm=Callback::new(delete)
        />
    }
}

/// A labelled text input bound to a signal.
#[component]
fn TextField(
    label: &'static str,
    name: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] numeric: bool,
) -> impl IntoView {
    view! {
        <label>
            {label}
            <input
                type=kind.unwrap_or("text")
                name=name
                placeholder=placeholder
                inputmode=numeric.then_some("numeric")
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}

#[component]
fn CandidateTable(candidates: Vec<CleanupCandidate>, selected: RwSignal<BTreeSet<String>>) -> impl IntoView {
    let deletable: BTreeSet<String> = candidates.iter().filter(|c| !c.protected).map(key).collect();
    let all_selected = {
        let deletable = deletable.clone();
        move || !deletable.is_empty() && selected.with(|s| deletable.iter().all(|k| s.contains(k)))
    };
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="cleanup-preview">
                <thead>
                    <tr>
                        <th scope="col">
                            <input
                                type="checkbox"
                                aria-label="Select every deletable tag"
                                prop:checked=all_selected.clone()
                                on:change={
                                    let all_selected = all_selected.clone();
                                    move |_| {
                                        if all_selected() { selected.set(BTreeSet::new()) } else { selected.set(deletable.clone()) }
                                    }
                                }
                            />
                        </th>
                        <th scope="col">"Repository"</th>
                        <th scope="col">"Tag"</th>
                        <th scope="col">"Pushed"</th>
                        <th scope="col">"Reason"</th>
                        <th scope="col">"Frees"</th>
                    </tr>
                </thead>
                <tbody>
                    {candidates
                        .into_iter()
                        .map(|c| {
                            let k = key(&c);
                            let (checked_key, toggle_key) = (k.clone(), k.clone());
                            view! {
                                <tr data-candidate=k.clone() class:protected=c.protected>
                                    <td>
                                        {if c.protected {
                                            view! { <LockIcon label="protected: immutable tags are never deleted" /> }.into_any()
                                        } else {
                                            view! {
                                                <input
                                                    type="checkbox"
                                                    aria-label=format!("Select {k}")
                                                    prop:checked=move || selected.with(|s| s.contains(&checked_key))
                                                    on:change=move |_| {
                                                        let k = toggle_key.clone();
                                                        selected.update(|s| if !s.remove(&k) { s.insert(k); });
                                                    }
                                                />
                                            }
                                                .into_any()
                                        }}
                                    </td>
                                    <td class="mono">{c.repository.clone()}</td>
                                    <td><strong>{c.tag.clone()}</strong>{c.protected.then(|| view! { " " <span class="badge">"Protected"</span> })}</td>
                                    <td>{c.pushed_at.to_string()}</td>
                                    <td class="small wrap">{c.reason.clone()}</td>
                                    <td>{human_bytes(c.size_bytes)}</td>
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
fn Retention(registry: String) -> impl IntoView {
    let save = ServerAction::<SaveRetentionPolicy>::new();
    let run = ServerAction::<RunRetentionNow>::new();
    let data = Resource::new(
        {
            let registry = registry.clone();
            move || (registry.clone(), save.version().get(), run.version().get())
        },
        |(registry, _, _)| get_retention(registry),
    );
    view! {
        <section class="card" aria-labelledby="retention-title">
            <h2 id="retention-title">"Retention policy"</h2>
            <p class="muted small">
                "Runs a rule like the one above on a schedule, with a moving base date (“pushed more than N days ago”). A dry run only records what it would delete."
            </p>
            {move || save.value().get().map(|result| match result {
                Ok(p) => {
                    let message = if p.enabled { format!("Retention policy saved: runs {}.", p.schedule) } else { "Retention policy saved (off).".to_string() };
                    view! { <SuccessNotice message /> }.into_any()
                }
                Err(error) => view! { <ErrorNotice error /> }.into_any(),
            })}
            {move || run.value().get().map(|result| match result {
                Ok(r) => {
                    let verb = if r.dry_run { "would delete" } else { "deleted" };
                    view! { <SuccessNotice message=format!("Run finished: {verb} {} tags, {}.", r.tags_deleted, human_bytes(r.bytes_freed)) /> }.into_any()
                }
                Err(error) => view! { <ErrorNotice error /> }.into_any(),
            })}
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {
                    let registry = registry.clone();
                    move || {
                        let registry = registry.clone();
                        Suspend::new(async move {
                            match data.await {
                                Ok((policy, runs)) => view! { <PolicyForm registry policy save run /> <RunLog runs /> }.into_any(),
                                Err(error) => view! { <ErrorNotice error /> }.into_any(),
                            }
                        })
                    }
                }
            </Transition>
        </section>
    }
}

#[component]
fn PolicyForm(
    registry: String,
    policy: RetentionPolicy,
    save: ServerAction<SaveRetentionPolicy>,
    run: ServerAction<RunRetentionNow>,
) -> impl IntoView {
    let form = CleanupForm::from_rule(&policy.rule);
    let enabled = RwSignal::new(policy.enabled);
    let dry_run = RwSignal::new(policy.dry_run);
    let schedule = RwSignal::new(policy.schedule.clone());
    let older = RwSignal::new(form.older_than_days);
    let pattern = RwSignal::new(form.tag_pattern);
    let keep = RwSignal::new(form.keep_latest);
    let next_run = policy.next_run_at.map(|t| format!("Next run: {t}")).unwrap_or_else(|| "Not scheduled (off).".into());
    let run_registry = registry.clone();
    view! {
        <form
            class="form rule-form"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                save.dispatch(SaveRetentionPolicy {
                    registry: registry.clone(),
                    enabled: enabled.get_untracked(),
                    schedule: schedule.get_untracked(),
                    dry_run: dry_run.get_untracked(),
                    older_than_days: older.get_untracked(),
                    tag_pattern: pattern.get_untracked(),
                    keep_latest: keep.get_untracked(),
                });
            }
        >
            <label class="checkbox">
                <input type="checkbox" name="enabled" prop:checked=move || enabled.get() on:change=move |ev| enabled.set(event_target_checked(&ev)) />
                "Enabled"
            </label>
            <label>
                "Schedule"
                <select name="schedule" prop:value=move || schedule.get() on:change=move |ev| schedule.set(event_target_value(&ev))>
                    <option value="hourly">"Hourly"</option>
                    <option value="daily">"Daily"</option>
                    <option value="weekly">"Weekly"</option>
                </select>
            </label>
            <TextField label="Pushed more than (days ago)" name="older_than_days" value=older numeric=true />
            <TextField label="Tag pattern" name="retention_pattern" value=pattern />
            <TextField label="Keep the newest (per repository)" name="retention_keep" value=keep numeric=true />
            <label class="checkbox">
                <input type="checkbox" name="dry_run" prop:checked=move || dry_run.get() on:change=move |ev| dry_run.set(event_target_checked(&ev)) />
                "Dry run (record only)"
            </label>
            <div class="form-actions">
                <button type="submit" class="button primary">"Save policy"</button>
                <button type="button" class="button" on:click=move |_| { run.dispatch(RunRetentionNow { registry: run_registry.clone() }); }>
                    "Run now"
                </button>
            </div>
        </form>
        <p class="muted small" data-testid="next-run">{next_run}</p>
    }
}

#[component]
fn RunLog(runs: Vec<RetentionRun>) -> impl IntoView {
    if runs.is_empty() {
        return view! { <p class="muted">"No runs yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="retention-runs">
                <caption class="visually-hidden">"Retention runs, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Started"</th>
                        <th scope="col">"By"</th>
                        <th scope="col">"Rule"</th>
                        <th scope="col">"Tags"</th>
                        <th scope="col">"Freed"</th>
                        <th scope="col">"Result"</th>
                    </tr>
                </thead>
                <tbody>
                    {runs
                        .into_iter()
                        .map(|r| {
                            let tags = r.tags.iter().map(|t| format!("{}:{}", t.repository, t.tag)).collect::<Vec<_>>().join(", ");
                            let counted = if r.dry_run { format!("{} would be deleted", r.tags_deleted) } else { format!("{} deleted", r.tags_deleted) };
                            let protected = if r.tags_protected > 0 { format!(", {} protected", r.tags_protected) } else { String::new() };
                            view! {
                                <tr>
                                    <td>{r.started_at.to_string()}</td>
                                    <td><span>{r.started_by.clone()}</span>{r.dry_run.then(|| view! { <span class="badge">"dry run"</span> })}</td>
                                    <td class="small wrap">{r.rule.clone()}</td>
                                    <td title=tags>{format!("{counted}{protected}")}</td>
                                    <td>{human_bytes(r.bytes_freed)}</td>
                                    <td>{r.error.clone().unwrap_or_else(|| "OK".into())}</td>
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
