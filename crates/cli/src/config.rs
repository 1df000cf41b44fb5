//! Configuration: one typed struct from defaults → `desist.toml` → `DESIST_*` environment
//! variables (and `DATABASE_URL`). Secrets are redacted whenever the config is printed.

use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (printed at start).
    pub listen: String,
    /// `sqlite:PATH` (embedded, the default) or `postgres://USER:PASSWORD@HOST/DB`.
    pub database_url: String,
    pub max_connections: u32,
    /// The deployment's jurisdiction pack (`nl`, `england-wales`, `italy`): its "beyond the case"
    /// rules and its words wherever a page is not about one ZSM location, which names its own.
    pub pack: String,
    /// The jurisdiction's time zone, for legal clocks and dates shown.
    pub time_zone: String,
    /// Default language of the pages: `nl`, `en` or `it` (each member can switch).
    pub language: String,
    /// Send cookies only over HTTPS. Turn off only for local use over plain HTTP.
    pub secure_cookies: bool,
    pub session_hours: u32,
    /// A person listed to a member again under the same list (a board refresh, a task list)
    /// is audited again only after this many minutes; 0 audits every listing.
    pub listing_audit_minutes: u32,
    /// The reverse proxies in front of desist (addresses or CIDR ranges): only a connection from
    /// one of them may name the client in `X-Forwarded-For`. Empty: the header is ignored.
    pub trusted_proxies: Vec<String>,
    /// tracing filter, e.g. `info` or `desist=debug,sqlx=warn`.
    pub log: String,
    /// `text` or `json` (one JSON object per line, for log collectors).
    pub log_format: String,
    pub login_throttle: ThrottleConfig,
    /// The deployment's own cohort rules (`[[cohort_rules]]`), beside the pack's shipped ones.
    pub cohort_rules: Vec<evidence::rules::NamedRule>,
    /// The bearer token `/metrics` answers to (for the monitoring system); none: no `/metrics`.
    pub metrics_token: Option<String>,
    /// Interventions: the unmet-need threshold and the webhooks' transport (`[interventions]`).
    pub interventions: InterventionsConfig,
}

/// `[interventions]`: how long a wait may be before the finder offers to record unmet need,
/// and whether webhooks may go over plain http to other machines.
#[derive(Clone, Deserialize, PartialEq, Debug)]
#[serde(default, deny_unknown_fields)]
pub struct InterventionsConfig {
    /// A wait beyond this many weeks: the finder offers to record unmet need (default 6).
    pub unmet_need_wait_weeks: u32,
    /// Per need (a life domain of the pack, e.g. `housing = 2`): a threshold of its own.
    pub unmet_need_wait_weeks_by_need: std::collections::BTreeMap<String, u32>,
    /// Development only: webhooks over plain http to any host. Off, plain http goes only to
    /// this machine (localhost) and every other receiver needs https.
    pub webhooks_allow_plain_http: bool,
    /// A PEM file of CA certificates webhooks trust besides the system's roots (a provider's
    /// own CA); certificates are always verified.
    pub webhooks_ca_file: Option<std::path::PathBuf>,
}

impl Default for InterventionsConfig {
    fn default() -> Self {
        Self {
            unmet_need_wait_weeks: domain::interventions::DEFAULT_WAIT_THRESHOLD_DAYS / 7,
            unmet_need_wait_weeks_by_need: std::collections::BTreeMap::new(),
            webhooks_allow_plain_http: false,
            webhooks_ca_file: None,
        }
    }
}

impl InterventionsConfig {
    pub fn wait_threshold(&self) -> domain::interventions::WaitThreshold {
        domain::interventions::WaitThreshold {
            days: self.unmet_need_wait_weeks.saturating_mul(7),
            per_need: self
                .unmet_need_wait_weeks_by_need
                .iter()
                .map(|(need, weeks)| (domain::jurisdiction::DomainKey::new(need), weeks.saturating_mul(7)))
                .collect(),
        }
    }

    /// Every need named is a life domain of the deployment's pack.
    fn check(&self, pack: &str) -> Result<(), ConfigError> {
        let Ok(beyond) = domain::jurisdiction::BeyondPack::shipped(pack) else { return Ok(()) };
        for need in self.unmet_need_wait_weeks_by_need.keys() {
            if beyond.screening.domain(need).is_none() {
                let known: Vec<&str> = beyond.screening.domains.iter().map(|d| d.key.as_str()).collect();
                return Err(ConfigError::Invalid(format!(
                    "interventions.unmet_need_wait_weeks_by_need: {need:?} is not a life domain of pack {pack}; use one of {}",
                    known.join(", ")
                )));
            }
        }
        Ok(())
    }
}

/// `domain::directory::LoginThrottle` as configured.
#[derive(Clone, Deserialize, PartialEq, Debug)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleConfig {
    pub window_minutes: u32,
    /// Attempts on one account from one address; past it, that address waits.
    pub per_account_and_address: u32,
    /// Attempts from one address on any accounts.
    pub per_address: u32,
    /// Attempts on one account from anywhere before it slows down (never locks out).
    pub per_account: u32,
    /// Past `per_account`, addresses that failed on the account get one attempt per this long.
    pub slow_down_seconds: u32,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        let rule = domain::directory::LoginThrottle::default();
        Self {
            window_minutes: u32::try_from(rule.window.as_mins()).unwrap_or(15),
            per_account_and_address: rule.per_account_and_address,
            per_address: rule.per_address,
            per_account: rule.per_account,
            slow_down_seconds: u32::try_from(rule.slow_down.as_secs()).unwrap_or(60),
        }
    }
}

/// Four connections per core, at least 8 and at most 64. A bigger pool only queues the work
/// inside PostgreSQL, whose backends need the same cores as this server: on 2 cores
/// `desist bench sections` had p99 66 ms with 8 and 140 ms with 16 (the same run, release build).
fn default_max_connections() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    u32::try_from(cores.saturating_mul(4)).unwrap_or(u32::MAX).clamp(8, 64)
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            database_url: "sqlite:desist.db".into(),
            max_connections: default_max_connections(),
            pack: "nl".into(),
            time_zone: "Europe/Amsterdam".into(),
            language: "nl".into(),
            secure_cookies: true,
            session_hours: 10,
            listing_audit_minutes: 15,
            trusted_proxies: Vec::new(),
            log: "info".into(),
            log_format: "text".into(),
            login_throttle: ThrottleConfig::default(),
            cohort_rules: Vec::new(),
            metrics_token: None,
            interventions: InterventionsConfig::default(),
        }
    }
}

/// The password part of a database URL replaced by `***`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("max_connections", &self.max_connections)
            .field("time_zone", &self.time_zone)
            .field("pack", &self.pack)
            .field("language", &self.language)
            .field("secure_cookies", &self.secure_cookies)
            .field("session_hours", &self.session_hours)
            .field("listing_audit_minutes", &self.listing_audit_minutes)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("log", &self.log)
            .field("log_format", &self.log_format)
            .field("login_throttle", &self.login_throttle)
            .field("cohort_rules", &self.cohort_rules)
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "***"))
            .field("interventions", &self.interventions)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("environment variable {name}={value:?}: {message}")]
    Env { name: String, value: String, message: String },
    #[error("{0}")]
    Invalid(String),
}

/// Every `DESIST_*` variable desist reads: the settings above, the config file's path, and the
/// ones the test suites and benchmarks read (set in CI, so not worth a warning).
pub const KNOWN_VARIABLES: [&str; 29] = [
    "DESIST_DATABASE_URL",
    "DESIST_LISTEN",
    "DESIST_MAX_CONNECTIONS",
    "DESIST_PACK",
    "DESIST_TIME_ZONE",
    "DESIST_LANGUAGE",
    "DESIST_SECURE_COOKIES",
    "DESIST_SESSION_HOURS",
    "DESIST_LISTING_AUDIT_MINUTES",
    "DESIST_TRUSTED_PROXIES",
    "DESIST_LOG",
    "DESIST_LOG_FORMAT",
    "DESIST_METRICS_TOKEN",
    "DESIST_UNMET_NEED_WAIT_WEEKS",
    "DESIST_WEBHOOKS_ALLOW_PLAIN_HTTP",
    "DESIST_WEBHOOKS_CA_FILE",
    "DESIST_CONFIG",
    "DESIST_TEST_DATABASE_URL",
    "DESIST_REQUIRE_POSTGRES",
    "DESIST_REQUIRE_WRK",
    "DESIST_OPENAPI_VALIDATOR",
    "DESIST_STATS_PYTHON",
    "DESIST_BROWSER_TESTS",
    "DESIST_BENCH_POSTGRES_URL",
    "DESIST_CHROMIUM",
    "DESIST_URL",
    "DESIST_JOURNEY_USER",
    "DESIST_JOURNEY_PASSWORD",
    "DESIST_JOURNEY_NAMES",
];

/// A warning for each `DESIST_*` variable desist does not read (a misspelt setting would
/// otherwise be silently ignored), naming the nearest known one.
pub fn unknown_variables<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut warnings: Vec<String> = names
        .into_iter()
        .filter(|name| name.starts_with("DESIST_") && !KNOWN_VARIABLES.contains(name))
        .map(|name| {
            let nearest = KNOWN_VARIABLES.iter().min_by_key(|known| edit_distance(name, known)).copied().unwrap_or("");
            format!("unknown environment variable {name} is ignored; did you mean {nearest}?")
        })
        .collect();
    warnings.sort();
    warnings
}

/// Levenshtein distance over bytes (the names are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, y) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(x != y);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

impl Config {
    /// Defaults, then the file (the given one must exist; `./desist.toml` is read if present),
    /// then the environment.
    pub fn load(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let default_file = Path::new("desist.toml");
        let path = file.or(default_file.exists().then_some(default_file));
        let mut config = match path {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.into(), source })?;
                toml::from_str(&text).map_err(|e| ConfigError::Parse { path: path.into(), message: e.to_string() })?
            }
            None => Config::default(),
        };
        config.apply_env(env)?;
        config.check()?;
        Ok(config)
    }

    fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn parsed<T: std::str::FromStr>(name: &str, value: String) -> Result<T, ConfigError>
        where
            T::Err: fmt::Display,
        {
            value.trim().parse().map_err(|e: T::Err| ConfigError::Env {
                name: name.into(),
                value,
                message: e.to_string(),
            })
        }
        if let Some(url) = env("DATABASE_URL").or_else(|| env("DESIST_DATABASE_URL")) {
            self.database_url = url;
        }
        if let Some(v) = env("DESIST_LISTEN") {
            self.listen = v;
        }
        if let Some(v) = env("DESIST_MAX_CONNECTIONS") {
            self.max_connections = parsed("DESIST_MAX_CONNECTIONS", v)?;
        }
        if let Some(v) = env("DESIST_PACK") {
            self.pack = v;
        }
        if let Some(v) = env("DESIST_TIME_ZONE") {
            self.time_zone = v;
        }
        if let Some(v) = env("DESIST_LANGUAGE") {
            self.language = v;
        }
        if let Some(v) = env("DESIST_SECURE_COOKIES") {
            self.secure_cookies = parsed("DESIST_SECURE_COOKIES", v)?;
        }
        if let Some(v) = env("DESIST_SESSION_HOURS") {
            self.session_hours = parsed("DESIST_SESSION_HOURS", v)?;
        }
        if let Some(v) = env("DESIST_LISTING_AUDIT_MINUTES") {
            self.listing_audit_minutes = parsed("DESIST_LISTING_AUDIT_MINUTES", v)?;
        }
        if let Some(v) = env("DESIST_TRUSTED_PROXIES") {
            self.trusted_proxies = v.split(',').map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect();
        }
        if let Some(v) = env("DESIST_LOG") {
            self.log = v;
        }
        if let Some(v) = env("DESIST_LOG_FORMAT") {
            self.log_format = v;
        }
        if let Some(v) = env("DESIST_METRICS_TOKEN") {
            self.metrics_token = Some(v).filter(|t| !t.is_empty());
        }
        if let Some(v) = env("DESIST_UNMET_NEED_WAIT_WEEKS") {
            self.interventions.unmet_need_wait_weeks = parsed("DESIST_UNMET_NEED_WAIT_WEEKS", v)?;
        }
        if let Some(v) = env("DESIST_WEBHOOKS_ALLOW_PLAIN_HTTP") {
            self.interventions.webhooks_allow_plain_http = parsed("DESIST_WEBHOOKS_ALLOW_PLAIN_HTTP", v)?;
        }
        if let Some(v) = env("DESIST_WEBHOOKS_CA_FILE") {
            self.interventions.webhooks_ca_file =
                Some(v.into()).filter(|p: &std::path::PathBuf| !p.as_os_str().is_empty());
        }
        Ok(())
    }

    fn check(&self) -> Result<(), ConfigError> {
        if domain::jurisdiction::shipped_pack(&self.pack).is_err() {
            let known: Vec<&str> = domain::jurisdiction::SHIPPED_PACKS.iter().map(|(code, _)| *code).collect();
            return Err(ConfigError::Invalid(format!("pack {:?}: use one of {}", self.pack, known.join(", "))));
        }
        if jiff::tz::TimeZone::get(&self.time_zone).is_err() {
            return Err(ConfigError::Invalid(format!("time_zone {:?} is not a known time zone", self.time_zone)));
        }
        if web::i18n::Lang::parse(&self.language).is_none() {
            return Err(ConfigError::Invalid(format!("language {:?}: use nl, en or it", self.language)));
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return Err(ConfigError::Invalid(format!("log_format {:?}: use text or json", self.log_format)));
        }
        if self.max_connections == 0 || self.session_hours == 0 {
            return Err(ConfigError::Invalid("max_connections and session_hours must be at least 1".into()));
        }
        self.trusted_proxies()?;
        self.interventions.check(&self.pack)?;
        self.check_cohort_rules()
    }

    fn trusted_proxies(&self) -> Result<web::proxies::TrustedProxies, ConfigError> {
        let ranges = self.trusted_proxies.iter().enumerate().map(|(i, proxy)| {
            proxy.parse().map_err(|error| ConfigError::Invalid(format!("trusted_proxies[{i}]: {error}")))
        });
        Ok(web::proxies::TrustedProxies::new(ranges.collect::<Result<_, _>>()?))
    }

    /// Every own rule has a name of its own and an expression the rule parser accepts; a bad
    /// one is reported with the position of the error and a caret under the expression.
    fn check_cohort_rules(&self) -> Result<(), ConfigError> {
        for (i, rule) in self.cohort_rules.iter().enumerate() {
            let name = rule.name.trim();
            let valid_name = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
            if !valid_name {
                return Err(ConfigError::Invalid(format!(
                    "cohort_rules[{i}]: name {:?}: use letters, digits, '-' and '_'",
                    rule.name
                )));
            }
            if self.cohort_rules[..i].iter().any(|other| other.name == rule.name) {
                return Err(ConfigError::Invalid(format!("cohort_rules[{i}]: the name {name:?} is used twice")));
            }
            if let Err(error) = evidence::rules::parse(&rule.expression) {
                return Err(ConfigError::Invalid(format!(
                    "cohort_rules[{i}] {name:?}: expression {error}\n{}",
                    evidence::rules::caret(&rule.expression, &error)
                )));
            }
        }
        Ok(())
    }

    pub fn web_config(&self) -> web::WebConfig {
        web::WebConfig {
            secure_cookies: self.secure_cookies,
            session_lifetime: jiff::SignedDuration::from_hours(i64::from(self.session_hours)),
            time_zone: jiff::tz::TimeZone::get(&self.time_zone).expect("checked in Config::check"),
            pack: domain::jurisdiction::shipped_pack(&self.pack).expect("checked in Config::check"),
            default_lang: web::i18n::Lang::parse(&self.language).expect("checked in Config::check"),
            throttle: domain::directory::LoginThrottle {
                window: jiff::SignedDuration::from_mins(i64::from(self.login_throttle.window_minutes)),
                per_account_and_address: self.login_throttle.per_account_and_address,
                per_address: self.login_throttle.per_address,
                per_account: self.login_throttle.per_account,
                slow_down: jiff::SignedDuration::from_secs(i64::from(self.login_throttle.slow_down_seconds)),
            },
            password_checks: web::PasswordLimits::default(),
            trusted_proxies: self.trusted_proxies().expect("checked in Config::check"),
            request_timeout: std::time::Duration::from_secs(30),
            cohort_rules: self.cohort_rules.clone(),
            metrics_token: self.metrics_token.clone(),
            unmet_need_wait: self.interventions.wait_threshold(),
            webhooks_allow_plain_http: self.interventions.webhooks_allow_plain_http,
        }
    }
}

/// The commented example printed by `desist default-config`.
pub const EXAMPLE: &str = include_str!("../desist.example.toml");

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_example_parses_to_the_defaults() {
        let parsed: Config = toml::from_str(EXAMPLE).unwrap();
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn environment_overrides_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desist.toml");
        std::fs::write(&path, "listen = \"0.0.0.0:9000\"\nsession_hours = 4\n").unwrap();
        let env = |name: &str| match name {
            "DATABASE_URL" => Some("postgres://desist:secret@db/desist".to_string()),
            "DESIST_SESSION_HOURS" => Some("8".to_string()),
            _ => None,
        };
        let config = Config::load(Some(&path), env).unwrap();
        assert_eq!(config.listen, "0.0.0.0:9000");
        assert_eq!(config.session_hours, 8);
        assert_eq!(config.database_url, "postgres://desist:secret@db/desist");
        let shown = format!("{config:?}");
        assert!(shown.contains("desist:***@db") && !shown.contains("secret"), "{shown}");
    }

    #[test]
    fn the_unmet_need_threshold_is_a_setting_per_deployment_and_per_need() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desist.toml");
        let text =
            "[interventions]\nunmet_need_wait_weeks = 8\n[interventions.unmet_need_wait_weeks_by_need]\nhousing = 2\n";
        std::fs::write(&path, text).unwrap();
        let threshold = Config::load(Some(&path), no_env).unwrap().web_config().unmet_need_wait;
        assert_eq!(threshold.days, 56);
        assert_eq!(threshold.for_needs(&[domain::jurisdiction::DomainKey::new("housing")]), 14);
        let env = |name: &str| (name == "DESIST_UNMET_NEED_WAIT_WEEKS").then(|| "4".to_string());
        assert_eq!(Config::load(None, env).unwrap().web_config().unmet_need_wait.days, 28);
        std::fs::write(&path, "[interventions.unmet_need_wait_weeks_by_need]\nhousng = 2\n").unwrap();
        let error = Config::load(Some(&path), no_env).unwrap_err().to_string();
        assert!(error.contains("housng") && error.contains("housing"), "names the known needs: {error}");
        let env = |name: &str| (name == "DESIST_WEBHOOKS_ALLOW_PLAIN_HTTP").then(|| "true".to_string());
        assert!(Config::load(None, env).unwrap().web_config().webhooks_allow_plain_http);
    }

    #[test]
    fn bad_values_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desist.toml");
        std::fs::write(&path, "listen = 8080\n").unwrap();
        let error = Config::load(Some(&path), no_env).unwrap_err().to_string();
        assert!(error.contains("desist.toml") && error.contains("line 1"), "{error}");
        std::fs::write(&path, "lissen = \"x\"\n").unwrap();
        assert!(Config::load(Some(&path), no_env).unwrap_err().to_string().contains("unknown field"));
        let env = |name: &str| (name == "DESIST_SECURE_COOKIES").then(|| "maybe".to_string());
        assert!(Config::load(None, env).unwrap_err().to_string().contains("DESIST_SECURE_COOKIES"));
        let env = |name: &str| (name == "DESIST_TIME_ZONE").then(|| "Mars/Olympus".to_string());
        assert!(Config::load(None, env).unwrap_err().to_string().contains("Mars/Olympus"));
    }

    #[test]
    fn trusted_proxies_come_from_the_file_or_the_environment_and_a_bad_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desist.toml");
        std::fs::write(&path, "trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\"]\n").unwrap();
        let config = Config::load(Some(&path), no_env).unwrap();
        let proxies = config.web_config().trusted_proxies;
        let peer = "10.9.8.7".parse().unwrap();
        assert_eq!(proxies.client(peer, &["198.51.100.7"]).to_string(), "198.51.100.7");
        let env = |name: &str| (name == "DESIST_TRUSTED_PROXIES").then(|| "192.168.0.1, fd00::/8".to_string());
        assert_eq!(Config::load(Some(&path), env).unwrap().trusted_proxies, ["192.168.0.1", "fd00::/8"]);
        let env = |name: &str| (name == "DESIST_TRUSTED_PROXIES").then(|| "127.0.0.1,proxy.local".to_string());
        let error = Config::load(None, env).unwrap_err().to_string();
        assert!(error.contains("trusted_proxies[1]") && error.contains("proxy.local"), "{error}");
    }

    #[test]
    fn unknown_variables_are_named_with_the_nearest_known_one() {
        let warnings = unknown_variables(["DESIST_PAKC", "DESIST_PACK", "PATH", "DESIST_SECURE_COOKIE"]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("DESIST_PAKC") && warnings[0].contains("did you mean DESIST_PACK?"));
        assert!(warnings[1].contains("DESIST_SECURE_COOKIE ") && warnings[1].contains("DESIST_SECURE_COOKIES?"));
        assert!(unknown_variables(KNOWN_VARIABLES).is_empty());
    }

    #[test]
    fn the_deployments_pack_and_language_are_settings() {
        let env = |name: &str| match name {
            "DESIST_PACK" => Some("england-wales".to_string()),
            "DESIST_TIME_ZONE" => Some("Europe/London".to_string()),
            "DESIST_LANGUAGE" => Some("it".to_string()),
            _ => None,
        };
        let web = Config::load(None, env).unwrap().web_config();
        assert_eq!(web.pack.code, "england-wales");
        assert_eq!(web.default_lang, web::i18n::Lang::It);
        let env = |name: &str| (name == "DESIST_PACK").then(|| "atlantis".to_string());
        let error = Config::load(None, env).unwrap_err().to_string();
        assert!(error.contains("\"atlantis\"") && error.contains("nl, england-wales, italy"), "{error}");
    }

    #[test]
    fn own_cohort_rules_are_read_and_a_bad_one_is_pointed_at() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desist.toml");
        let good = "[[cohort_rules]]\nname = \"utrecht-young\"\ndescription = \"Young and active\"\n\
                    expression = \"count(proven, within 3y) >= 5 and age < 25\"\n";
        std::fs::write(&path, good).unwrap();
        let config = Config::load(Some(&path), no_env).unwrap();
        assert_eq!(config.cohort_rules.len(), 1);
        assert_eq!(config.cohort_rules[0].name, "utrecht-young");
        assert_eq!(config.web_config().cohort_rules, config.cohort_rules, "the web pages get them too");

        let bad = good.replace("within 3y) >= 5", "within 3y >= 5");
        std::fs::write(&path, &bad).unwrap();
        let error = Config::load(Some(&path), no_env).unwrap_err().to_string();
        assert!(error.contains("cohort_rules[0] \"utrecht-young\": expression at 24:"), "{error}");
        assert!(error.contains("expected ')' or ','"), "{error}");
        let caret_line = error.lines().last().unwrap();
        assert_eq!(caret_line.find('^'), Some(24), "the caret is under the error: {error}");

        std::fs::write(&path, format!("{good}{good}")).unwrap();
        assert!(Config::load(Some(&path), no_env).unwrap_err().to_string().contains("used twice"));
        std::fs::write(&path, good.replace("utrecht-young", "two words")).unwrap();
        assert!(Config::load(Some(&path), no_env).unwrap_err().to_string().contains("cohort_rules[0]: name"));
    }

    #[test]
    fn urls_without_passwords_are_unchanged() {
        assert_eq!(redact_url("sqlite:desist.db"), "sqlite:desist.db");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("postgres://u:p@h/db"), "postgres://u:***@h/db");
    }
}
