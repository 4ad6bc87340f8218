//! Configuration: defaults that need nothing, an optional TOML file (`BERTH_CONFIG`),
//! and environment variables on top. Anything invalid stops the start with one line.

use serde::Deserialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// The address users reach Berth at (`https://registry.example.com`); when unset
    /// it is derived from each request's Host header.
    pub public_url: Option<PublicUrl>,
    pub admin_username: String,
    pub admin_password: Option<Secret>,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy_headers: bool,
    /// Let every user create workspaces (otherwise only administrators may).
    pub allow_user_workspaces: bool,
    /// Garbage collection leaves blobs touched more recently than this alone.
    pub gc_grace_ms: i64,
    /// How often each replica looks for retention policies that are due.
    pub retention_check_secs: u64,
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// A secret that never shows up in logs or `Debug` output.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// `scheme://host[:port]` without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    pub scheme: String,
    /// `host[:port]`, as a browser would send it in `Origin`.
    pub authority: String,
}

impl PublicUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim().trim_end_matches('/');
        let (scheme, rest) = raw.split_once("://").ok_or_else(|| format!("'{raw}' is not a URL like https://registry.example.com"))?;
        if scheme != "http" && scheme != "https" {
            return Err(format!("'{raw}' must start with http:// or https://"));
        }
        let valid_authority =
            !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        if !valid_authority {
            return Err(format!("'{raw}' must be a scheme and host only, like https://registry.example.com:5000"));
        }
        Ok(PublicUrl { scheme: scheme.to_string(), authority: rest.to_ascii_lowercase() })
    }

    pub fn is_https(&self) -> bool {
        self.scheme == "https"
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.authority)
    }
}

#[derive(Debug)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration: {}", self.0)
    }
}

impl std::error::Error for ConfigError {}

/// The keys of the optional TOML file; each one mirrors an environment variable.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    data_dir: Option<String>,
    database_url: Option<String>,
    public_url: Option<String>,
    admin_username: Option<String>,
    admin_password: Option<String>,
    trust_proxy_headers: Option<bool>,
    allow_user_workspaces: Option<bool>,
    gc_grace_seconds: Option<i64>,
    retention_check_seconds: Option<u64>,
    log_format: Option<String>,
}

impl Config {
    /// Reads the process environment (and the file `BERTH_CONFIG` names, if any).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::load(|key| std::env::var(key).ok().filter(|v| !v.is_empty()))
    }

    pub fn load(env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let file = match env("BERTH_CONFIG") {
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|e| ConfigError(format!("BERTH_CONFIG: cannot read {path}: {e}")))?;
                toml::from_str::<FileConfig>(&text).map_err(|e| ConfigError(format!("{path}: {}", e.message())))?
            }
            None => FileConfig::default(),
        };
        let pick = |var: &str, from_file: Option<String>| env(var).or(from_file);

        let listen_raw = pick("BERTH_LISTEN", file.listen).unwrap_or_else(|| "0.0.0.0:5000".to_string());
        let listen = listen_raw
            .parse::<SocketAddr>()
            .map_err(|_| ConfigError(format!("BERTH_LISTEN: '{listen_raw}' is not an address like 0.0.0.0:5000")))?;

        let data_dir = PathBuf::from(pick("BERTH_DATA_DIR", file.data_dir).unwrap_or_else(|| "./data".to_string()));

        let database_url = match pick("DATABASE_URL", file.database_url) {
            Some(url) => url,
            None => format!("sqlite://{}?mode=rwc", data_dir.join("berth.db").display()),
        };
        if !database_url.starts_with("sqlite:") {
            return Err(ConfigError(format!(
                "DATABASE_URL: only SQLite (sqlite://PATH) is supported by this build, got '{}'",
                database_url.split(':').next().unwrap_or_default()
            )));
        }

        let public_url = pick("BERTH_PUBLIC_URL", file.public_url)
            .map(|raw| PublicUrl::parse(&raw).map_err(|e| ConfigError(format!("BERTH_PUBLIC_URL: {e}"))))
            .transpose()?;

        let admin_username = pick("BERTH_ADMIN_USERNAME", file.admin_username).unwrap_or_else(|| "admin".to_string());
        app::domain::names::Username::parse(&admin_username).map_err(|e| ConfigError(format!("BERTH_ADMIN_USERNAME: {}", e.message())))?;
        let admin_password = pick("BERTH_ADMIN_PASSWORD", file.admin_password);
        if let Some(password) = &admin_password {
            app::domain::names::NewPassword::parse(password).map_err(|e| ConfigError(format!("BERTH_ADMIN_PASSWORD: {}", e.message())))?;
        }

        let flag = |var: &str, from_file: Option<bool>| match env(var) {
            Some(v) => parse_bool(&v).ok_or_else(|| ConfigError(format!("{var}: '{v}' is not true or false"))),
            None => Ok(from_file.unwrap_or(false)),
        };
        let trust_proxy_headers = flag("BERTH_TRUST_PROXY_HEADERS", file.trust_proxy_headers)?;
        let allow_user_workspaces = flag("BERTH_ALLOW_USER_WORKSPACES", file.allow_user_workspaces)?;

        let gc_grace_ms = match env("BERTH_GC_GRACE_SECONDS") {
            Some(raw) => raw
                .parse::<i64>()
                .ok()
                .filter(|s| *s >= 0)
                .ok_or_else(|| ConfigError(format!("BERTH_GC_GRACE_SECONDS: '{raw}' is not a number of seconds")))?,
            None => file.gc_grace_seconds.unwrap_or(600),
        } * 1000;

        let retention_check_secs =
            match env("BERTH_RETENTION_CHECK_SECONDS") {
                Some(raw) => raw.parse::<u64>().ok().filter(|s| *s >= 1).ok_or_else(|| {
                    ConfigError(format!("BERTH_RETENTION_CHECK_SECONDS: '{raw}' is not a number of seconds (at least 1)"))
                })?,
                None => file.retention_check_seconds.unwrap_or(60).max(1),
            };

        let log_format = match pick("BERTH_LOG_FORMAT", file.log_format).as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => return Err(ConfigError(format!("BERTH_LOG_FORMAT: '{other}' is not text or json"))),
        };

        Ok(Config {
            listen,
            data_dir,
            database_url,
            public_url,
            admin_username,
            admin_password: admin_password.map(Secret),
            trust_proxy_headers,
            allow_user_workspaces,
            gc_grace_ms,
            retention_check_secs,
            log_format,
        })
    }
}

fn parse_bool(raw: &str) -> Option<bool> {
    match raw.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::load(|k| vars.get(k).cloned())
    }

    #[test]
    fn defaults_need_nothing() {
        let config = load(&[]).unwrap();
        assert_eq!(config.listen.to_string(), "0.0.0.0:5000");
        assert_eq!(config.data_dir, PathBuf::from("./data"));
        assert_eq!(config.database_url, "sqlite://./data/berth.db?mode=rwc");
        assert_eq!(config.public_url, None);
        assert_eq!(config.admin_username, "admin");
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (var, value) in [
            ("BERTH_LISTEN", "localhost"),
            ("BERTH_PUBLIC_URL", "ftp://x"),
            ("BERTH_PUBLIC_URL", "https://x/path"),
            ("DATABASE_URL", "mysql://x"),
            ("BERTH_ADMIN_PASSWORD", "short"),
            ("BERTH_TRUST_PROXY_HEADERS", "maybe"),
            ("BERTH_ALLOW_USER_WORKSPACES", "sometimes"),
            ("BERTH_GC_GRACE_SECONDS", "-5"),
            ("BERTH_LOG_FORMAT", "xml"),
        ] {
            let err = load(&[(var, value)]).unwrap_err().to_string();
            assert!(err.contains(var), "{var}={value}: {err}");
            assert!(!err.contains('\n'), "one line: {err}");
        }
    }

    #[test]
    fn public_url_keeps_scheme_and_authority() {
        let url = PublicUrl::parse("https://Registry.Example.com:5000/").unwrap();
        assert_eq!(url.to_string(), "https://registry.example.com:5000");
        assert!(url.is_https());
    }

    #[test]
    fn file_keys_are_checked_and_env_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("berth.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:6000\"\nlog_format = \"json\"\n").unwrap();
        let p = path.to_str().unwrap();
        let config = load(&[("BERTH_CONFIG", p), ("BERTH_LOG_FORMAT", "text")]).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:6000");
        assert_eq!(config.log_format, LogFormat::Text);

        std::fs::write(&path, "lisen = \"x\"\n").unwrap();
        let err = load(&[("BERTH_CONFIG", p)]).unwrap_err().to_string();
        assert!(err.contains("lisen"), "{err}");
    }
}
