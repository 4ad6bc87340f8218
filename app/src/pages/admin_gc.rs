//! Administration → Garbage collection: run a pass now (or a dry run that only
//! counts), and the last passes with what they reclaimed, whoever started them.

use crate::components::notice::{ErrorNotice, SuccessNotice};
use crate::domain::time::human_bytes;
use crate::dto::GcRun;
use crate::server_fns::admin::{RunGc, list_gc_runs};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminGcPage() -> impl IntoView {
    let run = ServerAction::<RunGc>::new();
    let runs = Resource::new(move || run.version().get(), |_| list_gc_runs());
    view! {
        <Title text="Garbage collection" />
        <header class="page-header">
            <div>
                <h1>"Garbage collection"</h1>
                <p class="muted">
                    "Removes blobs no image references any more. It runs every 10 minutes and after deletions, while pushes and pulls go on; blobs pushed within the grace period are never touched."
                </p>
            </div>
            <div class="header-actions">
                <button type="button" class="button" disabled=move || run.pending().get() on:click=move |_| { run.dispatch(RunGc { dry_run: true }); }>
                    "Dry run"
                </button>
                <button type="button" class="button primary" disabled=move || run.pending().get() on:click=move |_| { run.dispatch(RunGc { dry_run: false }); }>
                    "Run now"
                </button>
            </div>
        </header>
        {move || run.value().get().map(|result| match result {
            Ok(report) => {
                let verb = if report.dry_run { "would remove" } else { "removed" };
                let message = format!("Garbage collection {verb} {} blobs, {} ({} ms).", report.blobs_removed, human_bytes(report.bytes_reclaimed), report.duration_ms);
                view! { <SuccessNotice message /> }.into_any()
            }
            Err(error) => view! { <ErrorNotice error /> }.into_any(),
        })}
        <section class="card" aria-labelledby="gc-runs-title">
            <h2 id="gc-runs-title">"Last runs"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match runs.await {
                        Ok(list) => view! { <RunTable runs=list /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RunTable(runs: Vec<GcRun>) -> impl IntoView {
    if runs.is_empty() {
        return view! { <p class="muted">"No runs yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="gc-runs">
                <thead>
                    <tr>
                        <th scope="col">"Started"</th>
                        <th scope="col">"Started by"</th>
                        <th scope="col">"Blobs removed"</th>
                        <th scope="col">"Reclaimed"</th>
                        <th scope="col">"Duration"</th>
                    </tr>
                </thead>
                <tbody>
                    {runs
                        .into_iter()
                        .map(|r| view! {
                            <tr>
                                <td>{r.started_at.to_string()}</td>
                                <td><span>{r.started_by.clone()}</span>{r.dry_run.then(|| view! { <span class="badge">"dry run"</span> })}</td>
                                <td>{r.blobs_removed}</td>
                                <td>{human_bytes(r.bytes_reclaimed)}</td>
                                <td>{format!("{} ms", r.duration_ms)}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
