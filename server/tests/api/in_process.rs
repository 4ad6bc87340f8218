//! The service-level fixture: Berth's `Services` built in this test process (as
//! `berth` builds them) on a temporary SQLite database and blob directory, called
//! directly with an administrator as the caller.

use app::domain::policy::Caller;
use server::config::Config;
use server::services::Services;
use server::startup::Application;

pub const PASSWORD: &str = "in-process-admin-password";

pub struct InProcess {
    pub app: Application,
    pub admin: Caller,
    pub data_dir: std::path::PathBuf,
    _temp: tempfile::TempDir,
}

impl InProcess {
    pub async fn start() -> Self {
        let temp = tempfile::tempdir().expect("temporary directory");
        let data_dir = temp.path().join("data");
        let dir = data_dir.display().to_string();
        let config = Config::load(|key| match key {
            "BERTH_DATA_DIR" => Some(dir.clone()),
            "BERTH_LISTEN" => Some("127.0.0.1:0".to_string()),
            "BERTH_ADMIN_PASSWORD" => Some(PASSWORD.to_string()),
            _ => None,
        })
        .expect("configuration");
        let app = Application::build(config).await.expect("services start");
        let principal = app.services().authenticate_basic("admin", PASSWORD, "127.0.0.1").await.expect("the administrator");
        let admin = Caller { principal, client_addr: "127.0.0.1".to_string(), public_host: "localhost".to_string() };
        InProcess { app, admin, data_dir, _temp: temp }
    }

    pub fn services(&self) -> &Services {
        self.app.services()
    }
}
