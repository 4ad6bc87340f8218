//! The "View Credentials" modal: how to sign in as yourself (with a personal access
//! token made here and shown once), and the registry's robot credentials.

use crate::components::copy::{CopyBlock, CopyButton};
use crate::components::notice::ErrorNotice;
use crate::dto::RobotSecret;
use crate::server_fns::registries::{CreateRobot, CreateToken, DeleteRobot, RegenerateRobot, list_robots};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use leptos::prelude::*;

/// A Docker `config.json` holding one credential, as a `data:` URL to download.
fn config_json_url(host: &str, username: &str, secret: &str) -> String {
    let auth = BASE64.encode(format!("{username}:{secret}"));
    let json = format!("{{\"auths\":{{\"{host}\":{{\"auth\":\"{auth}\"}}}}}}\n");
    let encoded: String =
        json.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect();
    format!("data:application/json;charset=utf-8,{encoded}")
}

#[component]
pub fn Credentials(host: String, registry: String, username: String, manage_robots: bool) -> impl IntoView {
    let token = ServerAction::<CreateToken>::new();
    let login = format!("docker login {host} -u {username}");
    let host_value = StoredValue::new(host.clone());
    let token_name = format!("{registry} (console)");
    let endpoint = format!("{host}/{registry}");
    view! {
        <section aria-labelledby="cred-endpoint">
            <h3 id="cred-endpoint">"Endpoint"</h3>
            <CopyBlock text=endpoint label="Copy endpoint" />
        </section>
        <section aria-labelledby="cred-self">
            <h3 id="cred-self">"Sign in as yourself"</h3>
            <p class="muted small">
                "Your username is " <strong>{username.clone()}</strong>
                ". Use your password, or better, a personal access token:"
            </p>
            <CopyBlock text=login label="Copy login command" />
            <ActionForm action=token>
                <div class="inline">
                    <input type="hidden" name="name" value=token_name />
                    <button type="submit" class="button small">"Create a personal access token"</button>
                </div>
            </ActionForm>
            {move || {
                token
                    .value()
                    .get()
                    .map(|result| match result {
                        Ok(created) => {
                            view! {
                                <div class="secret" role="status">
                                    <p>
                                        <strong>"Copy it now: "</strong>
                                        "this token is shown only once."
                                    </p>
                                    <CopyBlock text=created.token label="Copy token" />
                                </div>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    })
            }}
        </section>
        {if manage_robots {
            view! { <Robots host=host_value.get_value() registry=registry /> }.into_any()
        } else {
            view! {
                <p class="muted small">
                    "Robot credentials for CI are managed by the workspace's managers and owners."
                </p>
            }
                .into_any()
        }}
    }
}

#[component]
fn Robots(host: String, registry: String) -> impl IntoView {
    let create = ServerAction::<CreateRobot>::new();
    let regenerate = ServerAction::<RegenerateRobot>::new();
    let revoke = ServerAction::<DeleteRobot>::new();
    let registry_name = StoredValue::new(registry.clone());
    let robots = Resource::new(
        move || (registry_name.get_value(), create.version().get(), regenerate.version().get(), revoke.version().get()),
        |(registry, _, _, _)| list_robots(registry),
    );
    let host = StoredValue::new(host);
    // The latest secret made here, by creating or regenerating a robot.
    let shown = RwSignal::new(None::<RobotSecret>);
    Effect::new(move |_| {
        if let Some(Ok(secret)) = create.value().get() {
            shown.set(Some(secret));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(secret)) = regenerate.value().get() {
            shown.set(Some(secret));
        }
    });
    view! {
        <section aria-labelledby="cred-robots">
            <h3 id="cred-robots">"Robot credentials"</h3>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match robots.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted small">"No robot credentials yet."</p> }.into_any(),
                        Ok(list) => {
                            view! {
                                <table class="table compact">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Username"</th>
                                            <th scope="col">"Permission"</th>
                                            <th scope="col">"Expires"</th>
                                            <th scope="col">"Last used"</th>
                                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list
                                            .into_iter()
                                            .map(|robot| {
                                                let registry = registry_name.get_value();
                                                view! {
                                                    <tr data-robot=robot.name.clone()>
                                                        <td class="mono">{robot.username.clone()}</td>
                                                        <td>{if robot.permission == crate::domain::model::RobotPermission::Push { "pull + push" } else { "pull" }}</td>
                                                        <td>{robot.expires_at.map(|t| t.to_string()).unwrap_or_else(|| "Never".to_string())}</td>
                                                        <td>{robot.last_used_at.map(|t| t.to_string()).unwrap_or_else(|| "Never".to_string())}</td>
                                                        <td class="row-actions">
                                                            <button
                                                                type="button"
                                                                class="button small"
                                                                on:click={
                                                                    let registry = registry.clone();
                                                                    move |_| { regenerate.dispatch(RegenerateRobot { registry: registry.clone(), id: robot.id }); }
                                                                }
                                                            >
                                                                "Regenerate"
                                                            </button>
                                                            <button
                                                                type="button"
                                                                class="button small danger-outline"
                                                                on:click=move |_| { revoke.dispatch(DeleteRobot { registry: registry.clone(), id: robot.id }); }
                                                            >
                                                                "Revoke"
                                                            </button>
                                                        </td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
            {move || shown.get().map(|secret| view! { <ShownSecret secret host=host.get_value() /> })}
            {move || create.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
            <ActionForm action=create>
                <div class="form robot-form">
                    <input type="hidden" name="registry" value=registry.clone() />
                    <label for="robot-name">"New robot name"</label>
                    <input id="robot-name" name="name" required minlength="2" maxlength="63" autocomplete="off" placeholder="ci" />
                    <label for="robot-permission">"Permission"</label>
                    <select id="robot-permission" name="permission">
                        <option value="pull">"Pull"</option>
                        <option value="push">"Pull and push"</option>
                    </select>
                    <label for="robot-expiry">"Expires after (days, empty for never)"</label>
                    <input id="robot-expiry" name="expires_in_days" inputmode="numeric" autocomplete="off" />
                    <button type="submit" class="button primary">"Create robot"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn ShownSecret(secret: RobotSecret, host: String) -> impl IntoView {
    let download = config_json_url(&host, &secret.username, &secret.secret);
    let login = format!("docker login {host} -u '{}' --password-stdin", secret.username);
    view! {
        <div class="secret" role="status" data-testid="robot-secret">
            <p>
                <strong>{format!("Secret for {}: ", secret.username)}</strong>
                "copy it now, it is shown only once."
            </p>
            <div class="copy-block">
                <pre><code class="robot-secret-value">{secret.secret.clone()}</code></pre>
                <CopyButton text=secret.secret.clone() label="Copy robot secret" />
            </div>
            <p class="muted small">"Sign in with it:"</p>
            <CopyBlock text=login label="Copy robot login command" />
            <a class="button small" href=download download="config.json">"Download as Docker config.json"</a>
        </div>
    }
}
