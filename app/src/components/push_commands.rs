//! The "View Push Commands" drawer: ready-to-paste commands for docker, podman,
//! skopeo, oras and Kubernetes, with the real host, registry and username.

use crate::components::copy::CopyBlock;
use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tool {
    Docker,
    Podman,
    Skopeo,
    Oras,
    Kubernetes,
}

impl Tool {
    const ALL: [Tool; 5] = [Tool::Docker, Tool::Podman, Tool::Skopeo, Tool::Oras, Tool::Kubernetes];

    fn label(self) -> &'static str {
        match self {
            Tool::Docker => "docker",
            Tool::Podman => "podman",
            Tool::Skopeo => "skopeo",
            Tool::Oras => "oras",
            Tool::Kubernetes => "Kubernetes",
        }
    }
}

/// The commands for one tool: (what it does, the command).
fn commands(tool: Tool, host: &str, registry: &str, repository: &str, tag: &str, username: &str) -> Vec<(&'static str, String)> {
    let image = format!("{host}/{registry}/{repository}:{tag}");
    let secret = format!("{registry}-pull");
    match tool {
        Tool::Docker | Tool::Podman => {
            let cli = tool.label();
            vec![
                ("Sign in (password or personal access token)", format!("{cli} login {host} -u {username}")),
                ("Tag a local image", format!("{cli} tag {repository}:{tag} {image}")),
                ("Push it", format!("{cli} push {image}")),
                ("Pull it", format!("{cli} pull {image}")),
            ]
        }
        Tool::Skopeo => vec![
            ("Sign in", format!("skopeo login {host} -u {username}")),
            ("Copy an image from the local Docker daemon", format!("skopeo copy docker-daemon:{repository}:{tag} docker://{image}")),
            ("Copy every platform of an OCI layout", format!("skopeo copy --all oci:./{repository}:{tag} docker://{image}")),
            ("Inspect it", format!("skopeo inspect docker://{image}")),
        ],
        Tool::Oras => vec![
            ("Sign in", format!("oras login {host} -u {username}")),
            ("Push a file as an artifact", format!("oras push {image} ./artifact.txt")),
            ("Pull it", format!("oras pull {image}")),
        ],
        Tool::Kubernetes => vec![
            (
                "Create a pull secret (use a robot credential with pull permission)",
                format!(
                    "kubectl create secret docker-registry {secret} \\\n  --docker-server={host} \\\n  --docker-username='robot${registry}+ROBOT' \\\n  --docker-password='ROBOT-SECRET'"
                ),
            ),
            (
                "Reference it from a Deployment",
                format!(
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      imagePullSecrets:\n        - name: {secret}\n      containers:\n        - name: {name}\n          image: {image}",
                    name = repository.rsplit('/').next().unwrap_or(repository),
                ),
            ),
        ],
    }
}

#[component]
pub fn PushCommands(#[prop(into)] host: String, #[prop(into)] registry: String, #[prop(into)] username: String) -> impl IntoView {
    let tool = RwSignal::new(Tool::Docker);
    let repository = RwSignal::new("my-app".to_string());
    let tag = RwSignal::new("latest".to_string());
    let (host, registry, username) = (StoredValue::new(host), StoredValue::new(registry), StoredValue::new(username));
    view! {
        <div class="form inline-fields">
            <label for="push-repository">"Repository"</label>
            <input id="push-repository" prop:value=move || repository.get() on:input=move |ev| repository.set(event_target_value(&ev)) />
            <label for="push-tag">"Tag"</label>
            <input id="push-tag" prop:value=move || tag.get() on:input=move |ev| tag.set(event_target_value(&ev)) />
        </div>
        <div class="tabs" role="tablist" aria-label="Client">
            {Tool::ALL
                .into_iter()
                .map(|t| {
                    view! {
                        <button
                            type="button"
                            role="tab"
                            class="tab"
                            aria-selected=move || (tool.get() == t).to_string()
                            on:click=move |_| tool.set(t)
                        >
                            {t.label()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <div role="tabpanel" class="command-list">
            {move || {
                commands(
                    tool.get(),
                    &host.get_value(),
                    &registry.get_value(),
                    &repository.get(),
                    &tag.get(),
                    &username.get_value(),
                )
                .into_iter()
                .map(|(what, command)| {
                    view! {
                        <p class="command-label">{what}</p>
                        <CopyBlock text=command label=format!("Copy: {what}") />
                    }
                })
                .collect_view()
            }}
        </div>
    }
}
