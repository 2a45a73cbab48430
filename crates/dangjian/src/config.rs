//! Configuration, layered: defaults < `dangjian.toml` < `DANGJIAN_*` environment < flags.
//! Secrets (the database URL may hold a password) never appear in `Debug` output.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use crate::cli::GlobalArgs;

/// The merged configuration.
#[derive(Deserialize, Clone)]
pub struct Config {
    /// Address `serve` listens on.
    pub listen: String,
    /// Data directory.
    pub data: PathBuf,
    /// Database URL; `None` means SQLite at `<data>/dangjian.db`.
    pub database: Option<String>,
    /// Media store URL; `None` means `<data>/media`.
    pub media: Option<String>,
    /// Milliseconds between view-count flushes.
    pub flush_interval_ms: u64,
    /// Default log filter when `RUST_LOG` is unset.
    pub log: String,
    /// Database connections per node.
    pub max_connections: u32,
    /// Reverse proxies whose X-Forwarded-For is believed (IP addresses).
    pub trusted_proxies: Vec<String>,
    /// Mark session cookies Secure (set when the site is served over HTTPS).
    pub secure_cookies: bool,
    /// Backend sessions end after this many idle minutes (等保: 10–30).
    pub session_idle_minutes: u64,
    /// …and after this many hours in any case.
    pub session_absolute_hours: u64,
    /// Days before a password must be changed; 0 disables expiry.
    pub password_max_age_days: u32,
    /// File holding the key for members' personal data (default `<data>/pii.key`).
    pub pii_key_file: Option<PathBuf>,
    /// How long a node trusts its last read of the content version: the longest an edit
    /// made on another node stays unseen on this one (its own edits show at once).
    pub content_check_ms: u64,
    /// Megabytes of rendered portal pages kept in memory.
    pub page_cache_mb: usize,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data", &self.data)
            .field("database", &self.database.as_deref().map(dangjian_store::redact_url))
            .field("media", &self.media)
            .field("flush_interval_ms", &self.flush_interval_ms)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// Merges the layers. An explicit `--config` file must exist; the default
    /// `./dangjian.toml` is read only when present.
    pub fn load(args: &GlobalArgs, listen: Option<&str>, media: Option<&str>) -> anyhow::Result<Config> {
        let mut cfg = Self::load_from(args, listen, std::env::vars())?;
        if let Some(m) = media {
            cfg.media = Some(m.to_owned());
        }
        Ok(cfg)
    }

    /// As [`Config::load`], with the environment and flag overrides given explicitly
    /// (for tests).
    pub fn load_from(
        args: &GlobalArgs,
        listen_flag: Option<&str>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<Config> {
        let mut b = config::Config::builder()
            .set_default("listen", "127.0.0.1:8080")?
            .set_default("data", "data")?
            .set_default("flush_interval_ms", 1000)?
            .set_default("log", "info,sqlx=warn,tower_http=warn")?
            .set_default("max_connections", 8)?
            .set_default("trusted_proxies", Vec::<String>::new())?
            .set_default("secure_cookies", false)?
            .set_default("session_idle_minutes", 30)?
            .set_default("session_absolute_hours", 8)?
            .set_default("password_max_age_days", 90)?
            .set_default("content_check_ms", 250)?
            .set_default("page_cache_mb", 32)?;
        let file = args.config.clone().unwrap_or_else(|| PathBuf::from("dangjian.toml"));
        if args.config.is_some() && !file.exists() {
            anyhow::bail!("config file {} does not exist", file.display());
        }
        if file.exists() {
            b = b.add_source(config::File::from(file.as_path()).format(config::FileFormat::Toml));
        }
        // Only our own keys: DANGJIAN_PASSWORD and test variables are not configuration.
        let keys = [
            "listen",
            "data",
            "database",
            "media",
            "flush_interval_ms",
            "log",
            "max_connections",
            "secure_cookies",
            "session_idle_minutes",
            "session_absolute_hours",
            "password_max_age_days",
            "pii_key_file",
            "content_check_ms",
            "page_cache_mb",
        ];
        let env_map: config::Map<String, String> = env
            .into_iter()
            .filter_map(|(k, v)| {
                let key = k.strip_prefix("DANGJIAN_")?.to_ascii_lowercase();
                keys.contains(&key.as_str()).then_some((k, v))
            })
            .collect();
        b = b.add_source(config::Environment::with_prefix("DANGJIAN").source(Some(env_map)).try_parsing(true));
        if let Some(d) = &args.data {
            b = b.set_override("data", d.to_string_lossy().into_owned())?;
        }
        if let Some(u) = &args.database {
            b = b.set_override("database", u.clone())?;
        }
        if let Some(l) = listen_flag {
            b = b.set_override("listen", l)?;
        }
        let cfg: Config = b.build()?.try_deserialize().context("invalid configuration")?;
        if cfg.flush_interval_ms == 0 || cfg.flush_interval_ms > 1000 {
            anyhow::bail!("flush_interval_ms must be between 1 and 1000 (views are written at least once a second)");
        }
        Ok(cfg)
    }

    /// Options for opening the database.
    pub fn connect_options(&self, create: bool) -> dangjian_store::ConnectOptions {
        dangjian_store::ConnectOptions {
            url: self.database.clone(),
            data_dir: self.data.clone(),
            create,
            max_connections: self.max_connections,
        }
    }

    /// The web layer's settings, with the numbers checked.
    pub fn web_config(&self) -> anyhow::Result<dangjian_web::WebConfig> {
        let mut trusted = Vec::new();
        for p in &self.trusted_proxies {
            trusted.push(p.parse().with_context(|| format!("trusted_proxies: {p} is not an IP address"))?);
        }
        if !(1..=30).contains(&self.session_idle_minutes) {
            anyhow::bail!("session_idle_minutes must be between 1 and 30 (等保 level 3)");
        }
        if !(1..=24).contains(&self.session_absolute_hours) {
            anyhow::bail!("session_absolute_hours must be between 1 and 24");
        }
        if self.content_check_ms > 60_000 {
            anyhow::bail!("content_check_ms must be at most 60000 (edits on other nodes show within it)");
        }
        let defaults = dangjian_web::WebConfig::default();
        Ok(dangjian_web::WebConfig {
            flush_interval: std::time::Duration::from_millis(self.flush_interval_ms),
            trusted_proxies: trusted,
            secure_cookies: self.secure_cookies,
            session_idle: std::time::Duration::from_secs(self.session_idle_minutes * 60),
            session_absolute: std::time::Duration::from_secs(self.session_absolute_hours * 3600),
            media_dir: self.data.join("media"),
            media_url: self.media.clone(),
            video_tools: dangjian_web::video_tools::VideoTools::detect(),
            documents_dir: self.data.join("documents"),
            content_check: std::time::Duration::from_millis(self.content_check_ms),
            page_cache_bytes: self.page_cache_mb << 20,
            password_policy: dangjian_domain::password::PasswordPolicy {
                max_age_days: self.password_max_age_days,
                ..defaults.password_policy
            },
            ..defaults
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn layers_override_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("dangjian.toml");
        std::fs::write(&file, "listen = \"0.0.0.0:1\"\ndata = \"/from-file\"\nflush_interval_ms = 500\n").unwrap();
        let args = GlobalArgs { config: Some(file.clone()), ..Default::default() };

        let c = Config::load_from(&args, None, env(&[])).unwrap();
        assert_eq!(
            (c.listen.as_str(), c.data.to_str().unwrap(), c.flush_interval_ms),
            ("0.0.0.0:1", "/from-file", 500)
        );

        let c = Config::load_from(&args, None, env(&[("DANGJIAN_LISTEN", "0.0.0.0:2"), ("DANGJIAN_PASSWORD", "x")]))
            .unwrap();
        assert_eq!(c.listen, "0.0.0.0:2");
        assert_eq!(c.data.to_str().unwrap(), "/from-file");

        let args = GlobalArgs { data: Some("/from-flag".into()), ..args };
        let c = Config::load_from(&args, Some("0.0.0.0:3"), env(&[("DANGJIAN_LISTEN", "0.0.0.0:2")])).unwrap();
        assert_eq!((c.listen.as_str(), c.data.to_str().unwrap()), ("0.0.0.0:3", "/from-flag"));
    }

    #[test]
    fn defaults_without_file() {
        let args = GlobalArgs { config: None, data: None, database: None };
        let c = Config::load_from(&args, None, env(&[])).unwrap();
        assert_eq!(c.flush_interval_ms, 1000);
        assert!(c.database.is_none());
    }

    #[test]
    fn missing_explicit_file_is_an_error() {
        let args = GlobalArgs { config: Some("/nonexistent/dangjian.toml".into()), ..Default::default() };
        assert!(Config::load_from(&args, None, env(&[])).is_err());
    }

    #[test]
    fn bad_values_are_refused() {
        let args = GlobalArgs::default();
        assert!(Config::load_from(&args, None, env(&[("DANGJIAN_FLUSH_INTERVAL_MS", "5000")])).is_err());
        assert!(Config::load_from(&args, None, env(&[("DANGJIAN_FLUSH_INTERVAL_MS", "soon")])).is_err());
    }

    #[test]
    fn debug_hides_database_password() {
        let args = GlobalArgs { database: Some("postgres://u:hunter2@h/db".into()), ..Default::default() };
        let c = Config::load_from(&args, None, env(&[])).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
