//! `TestBerth`: a running `berth` process and helpers to talk to it.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";

pub struct TestBerth {
    child: Child,
    pub base: String,
    pub data_dir: PathBuf,
    output: Arc<Mutex<Vec<String>>>,
    _temp: Option<tempfile::TempDir>,
}

/// Options for starting Berth.
pub struct Launch {
    pub env: Vec<(String, String)>,
    pub admin_password: Option<String>,
}

impl Default for Launch {
    fn default() -> Self {
        Launch { env: Vec::new(), admin_password: Some(ADMIN_PASSWORD.to_string()) }
    }
}

impl TestBerth {
    /// A fresh Berth with an admin whose password is `ADMIN_PASSWORD`.
    pub async fn start() -> Self {
        Self::launch(Launch::default()).await
    }

    pub async fn launch(launch: Launch) -> Self {
        let temp = tempfile::tempdir().expect("temporary directory");
        let data_dir = temp.path().join("data");
        let mut berth = Self::launch_in(&data_dir, launch).await;
        berth._temp = Some(temp);
        berth
    }

    /// Starts Berth on an existing data directory (to test restarts).
    pub async fn launch_in(data_dir: &Path, launch: Launch) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_berth"));
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("BERTH_LISTEN", "127.0.0.1:0")
            .env("BERTH_DATA_DIR", data_dir)
            .env("BERTH_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(password) = &launch.admin_password {
            command.env("BERTH_ADMIN_PASSWORD", password);
        }
        for (key, value) in &launch.env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("start berth");
        let output = Arc::new(Mutex::new(Vec::new()));
        let (addr_tx, mut addr_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        for stream in
            [Box::new(child.stdout.take().unwrap()) as Box<dyn tokio::io::AsyncRead + Unpin + Send>, Box::new(child.stderr.take().unwrap())]
        {
            let output = output.clone();
            let addr_tx = addr_tx.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(stream).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(rest) = line.split("listening on http://").nth(1) {
                        let _ = addr_tx.send(rest.split_whitespace().next().unwrap_or_default().to_string());
                    }
                    output.lock().unwrap().push(line);
                }
            });
        }
        let addr = tokio::time::timeout(Duration::from_secs(60), addr_rx.recv())
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("berth did not start:\n{}", output.lock().unwrap().join("\n")));
        TestBerth { child, base: format!("http://{addr}"), data_dir: data_dir.to_path_buf(), output, _temp: None }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The server process's id.
    pub fn pid(&self) -> u32 {
        self.child.id().expect("running berth has a pid")
    }

    /// Everything Berth printed so far (stdout and stderr).
    pub fn output(&self) -> String {
        self.output.lock().unwrap().join("\n")
    }

    /// Sends SIGTERM and waits for a clean exit; returns the exit code.
    pub async fn stop(mut self) -> (Option<i32>, Option<tempfile::TempDir>) {
        let pid = self.child.id().expect("running berth has a pid");
        std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().expect("kill");
        let status = tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .expect("berth stops within 20 s of SIGTERM")
            .expect("wait for berth");
        (status.code(), self._temp.take())
    }

    /// Kills the process outright (SIGKILL), as a crash or power cut would.
    pub async fn kill(mut self) -> Option<tempfile::TempDir> {
        let pid = self.child.id().expect("running berth has a pid");
        std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status().expect("kill");
        let _ = self.child.wait().await;
        self._temp.take()
    }

    /// A browser-like client: keeps cookies, does not follow redirects, and sends
    /// this Berth's own Origin on every request (as a browser on its pages would).
    pub fn browser(&self) -> reqwest::Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("origin", self.base.parse().unwrap());
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).default_headers(headers).build().unwrap()
    }

    /// A client with no cookies and no Origin, like a script.
    pub fn script(&self) -> reqwest::Client {
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    /// Posts the sign-in form; returns the redirect target.
    pub async fn sign_in(&self, client: &reqwest::Client, username: &str, password: &str) -> String {
        let response = client.post(self.url("/login")).form(&[("username", username), ("password", password)]).send().await.unwrap();
        assert_eq!(response.status(), 303, "sign-in answers with a redirect");
        location(&response)
    }

    /// A browser client already signed in as the admin.
    pub async fn admin_browser(&self) -> reqwest::Client {
        let client = self.browser();
        assert_eq!(self.sign_in(&client, "admin", ADMIN_PASSWORD).await, "/");
        client
    }

    /// Calls `/api/v1{path}` as the admin with Basic credentials; gives the status and
    /// the JSON body (`Null` when there is none).
    pub async fn admin_api(&self, method: reqwest::Method, path: &str, body: Option<serde_json::Value>) -> (u16, serde_json::Value) {
        let mut request = self.script().request(method, self.url(&format!("/api/v1{path}"))).basic_auth("admin", Some(ADMIN_PASSWORD));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// Creates a user through the API with the admin's Basic credentials.
    pub async fn create_user(&self, username: &str, password: &str, is_admin: bool) {
        let response = self
            .script()
            .post(self.url("/api/v1/users"))
            .basic_auth("admin", Some(ADMIN_PASSWORD))
            .json(&serde_json::json!({ "username": username, "password": password, "is_admin": is_admin }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "create user {username}: {}", response.text().await.unwrap());
    }
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

/// The `error` code of a JSON API error body.
pub async fn api_error_code(response: reqwest::Response) -> String {
    let body: serde_json::Value = response.json().await.expect("JSON error body");
    body["error"]["code"].as_str().unwrap_or_default().to_string()
}
