//! One tag: the image's digest, ID, media type, platforms or layers, history,
//! labels, referrers, and pull commands pinned by digest.

use crate::components::copy::{CopyBlock, CopyButton};
use crate::components::notice::ErrorNotice;
use crate::domain::time::human_bytes;
use crate::dto::{Registry, TagDetail};
use crate::server_fns::registries::get_registry;
use crate::server_fns::repositories::get_tag;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn TagPage() -> impl IntoView {
    let params = use_params_map();
    // `PATH:TAG`: tags cannot contain ':', so the last one separates them.
    let reference = move || params.read().get("reference").unwrap_or_default();
    let registry_name = move || params.read().get("reg").unwrap_or_default();
    let data = Resource::new(
        move || (registry_name(), reference()),
        |(reg, reference)| async move {
            let (path, tag) = reference.rsplit_once(':').unwrap_or((reference.as_str(), "latest"));
            let registry = get_registry(reg.clone()).await?;
            let detail = get_tag(format!("{reg}/{path}"), tag.to_string()).await?;
            Ok::<_, crate::error::ConsoleError>((registry, detail))
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((registry, tag)) => view! { <Detail registry tag /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Detail(registry: Registry, tag: TagDetail) -> impl IntoView {
    let image = format!("{}/{}", registry.endpoint, tag.repository);
    let by_tag = format!("docker pull {image}:{}", tag.name);
    let by_digest = format!("docker pull {image}@{}", tag.digest);
    let app_name = tag.repository.rsplit('/').next().unwrap_or("app").to_string();
    let deployment = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app_name}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: {app_name}\n  template:\n    metadata:\n      labels:\n        app: {app_name}\n    spec:\n      imagePullSecrets:\n        - name: {}-pull\n      containers:\n        - name: {app_name}\n          image: {image}@{}",
        registry.name, tag.digest
    );
    let platform = match (&tag.os, &tag.architecture) {
        (Some(os), Some(arch)) => format!("{os}/{arch}"),
        _ if !tag.platforms.is_empty() => format!("{} platforms", tag.platforms.len()),
        _ => "—".to_string(),
    };
    view! {
        <Title text=format!("{}:{}", tag.repository, tag.name) />
        <header class="page-header">
            <div>
                <p class="eyebrow">
                    <a href=format!("/r/{}", registry.name)>{registry.name.clone()}</a>
                    " · "
                    <a href=format!("/r/{}/repo/{}", registry.name, tag.repository)>{tag.repository.clone()}</a>
                </p>
                <h1 class="mono">{format!("{}:{}", tag.repository, tag.name)}</h1>
            </div>
        </header>
        <section class="card" aria-labelledby="image-title">
            <h2 id="image-title">"Image"</h2>
            <dl class="facts">
                <dt>"Digest"</dt>
                <dd class="inline"><code data-testid="digest">{tag.digest.clone()}</code> <CopyButton text=tag.digest.clone() label="Copy digest" /></dd>
                <dt>"Image ID"</dt>
                <dd><code>{tag.image_id.clone().unwrap_or_else(|| "—".into())}</code></dd>
                <dt>"Media type"</dt>
                <dd><code>{tag.media_type.clone()}</code></dd>
                <dt>"OS / architecture"</dt>
                <dd>{platform}</dd>
                <dt>"Size (compressed)"</dt>
                <dd>{human_bytes(tag.size_bytes)}</dd>
                <dt>"Pushed"</dt>
                <dd>{tag.pushed_at.to_string()}</dd>
                <dt>"Last pulled"</dt>
                <dd>{tag.last_pulled_at.map(|t| t.to_string()).unwrap_or_else(|| "Never".into())}</dd>
                <dt>"Pulls"</dt>
                <dd>{tag.pulls}</dd>
            </dl>
        </section>
        <section class="card" aria-labelledby="pull-title">
            <h2 id="pull-title">"Pull"</h2>
            <p class="command-label">"By tag"</p>
            <CopyBlock text=by_tag label="Copy pull by tag" />
            <p class="command-label">"By digest (this exact image)"</p>
            <CopyBlock text=by_digest label="Copy pull by digest" />
            <p class="command-label">"Kubernetes Deployment pinned to this digest"</p>
            <CopyBlock text=deployment label="Copy Deployment" />
        </section>
        {(!tag.platforms.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="platforms-title">
                <h2 id="platforms-title">"Platforms"</h2>
                <table class="table">
                    <thead><tr><th scope="col">"Platform"</th><th scope="col">"Digest"</th><th scope="col">"Manifest size"</th></tr></thead>
                    <tbody>
                        {tag.platforms.iter().map(|p| view! {
                            <tr data-platform=format!("{}/{}", p.os, p.architecture)>
                                <td>{format!("{}/{}{}", p.os, p.architecture, p.variant.as_deref().map(|v| format!("/{v}")).unwrap_or_default())}</td>
                                <td class="mono">{p.digest.clone()}</td>
                                <td>{human_bytes(p.size_bytes)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
        {(!tag.layers.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="layers-title">
                <h2 id="layers-title">{format!("Layers ({})", tag.layers.len())}</h2>
                <table class="table">
                    <thead><tr><th scope="col">"Digest"</th><th scope="col">"Media type"</th><th scope="col">"Size"</th></tr></thead>
                    <tbody>
                        {tag.layers.iter().map(|l| view! {
                            <tr><td class="mono">{l.digest.clone()}</td><td class="mono">{l.media_type.clone()}</td><td>{human_bytes(l.size_bytes)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
        {(!tag.history.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="history-title">
                <h2 id="history-title">"History"</h2>
                <ol class="history">
                    {tag.history.iter().map(|step| view! { <li><code>{step.clone()}</code></li> }).collect_view()}
                </ol>
            </section>
        })}
        {(!tag.labels.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="labels-title">
                <h2 id="labels-title">"Labels"</h2>
                <dl class="facts">
                    {tag.labels.iter().map(|(k, v)| view! { <dt class="mono">{k.clone()}</dt><dd>{v.clone()}</dd> }).collect_view()}
                </dl>
            </section>
        })}
        <section class="card" aria-labelledby="referrers-title">
            <h2 id="referrers-title">"Referrers (signatures, SBOMs)"</h2>
            {if tag.referrers.is_empty() {
                view! { <p class="muted small">"Nothing refers to this image yet."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th scope="col">"Artifact type"</th><th scope="col">"Digest"</th><th scope="col">"Size"</th></tr></thead>
                        <tbody>
                            {tag.referrers.iter().map(|r| view! {
                                <tr><td>{r.artifact_type.clone().unwrap_or_else(|| r.media_type.clone())}</td><td class="mono">{r.digest.clone()}</td><td>{human_bytes(r.size_bytes)}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
