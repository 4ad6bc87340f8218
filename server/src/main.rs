use server::config::Config;
use server::startup::Application;
use server::telemetry;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const HELP: &str = "berth — a multi-tenant container registry with a web console

Usage: berth [--version | --help]

Configuration comes from environment variables (or a TOML file named by BERTH_CONFIG):
  BERTH_LISTEN               address to serve on            (default 0.0.0.0:5000)
  BERTH_DATA_DIR             data directory                 (default ./data)
  DATABASE_URL               database                       (default sqlite://DATA_DIR/berth.db)
  BERTH_PUBLIC_URL           URL users reach Berth at       (default: from each request)
  BERTH_ADMIN_USERNAME       first administrator's name     (default admin)
  BERTH_ADMIN_PASSWORD       first administrator's password (default: generated, printed once)
  BERTH_TRUST_PROXY_HEADERS  use X-Forwarded-For            (default false)
  BERTH_LOG_FORMAT           text or json                   (default text)
  BERTH_LOG                  log filter                     (default info)";

#[tokio::main]
async fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        Some("--version" | "-V") => {
            println!("berth {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Some("--help" | "-h") => {
            println!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("berth: unknown argument '{other}' (try --help)");
            return ExitCode::from(2);
        }
        None => {}
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("berth: {err}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format);
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(err) => {
            eprintln!("berth: {err}");
            return ExitCode::FAILURE;
        }
    };
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("berth: server error: {err}");
            ExitCode::FAILURE
        }
    }
}
