//! `spawn_app()`: the real application on a real listener (port 0) over a real database — a
//! temporary SQLite file, or a fresh database on the PostgreSQL server named by
//! `DESIST_TEST_DATABASE_URL` — with a fixed clock the test can move.

#![allow(dead_code)]

use domain::access::{Actor, Role, TeamEntryInput};
use domain::directory::{Agency, AgencyKind, Member};
use domain::ids::{AgencyId, MemberId, PersonId};
use domain::people::{IdentifierInput, PersonInput};
use domain::ports::{DirectoryStore, Session, SessionStore};
use domain::service::People;
use domain::{Clock, FixedClock};
use jiff::Timestamp;
use std::sync::{Arc, LazyLock};
use store::Store;
use web::{AppState, WebConfig};

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub address: String,
    pub store: Store,
    pub clock: Arc<FixedClock>,
    pub state: AppState,
    _dir: Option<tempfile::TempDir>,
}

pub fn start_time() -> Timestamp {
    "2026-11-22T09:00:00Z".parse().unwrap()
}

static PASSWORD_HASH: LazyLock<String> = LazyLock::new(|| {
    use argon2::PasswordHasher;
    argon2::Argon2::default().hash_password(PASSWORD.as_bytes()).unwrap().to_string()
});

pub async fn sqlite_url() -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (format!("sqlite:{}", dir.path().join("desist.db").display()), dir)
}

/// A new database on the test PostgreSQL server, or `None` when none is configured.
pub async fn postgres_url() -> Option<String> {
    let admin = match std::env::var("DESIST_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            assert!(std::env::var("DESIST_REQUIRE_POSTGRES").is_err(), "DESIST_TEST_DATABASE_URL is required");
            return None;
        }
    };
    let name = format!("desist_web_{}", uuid::Uuid::now_v7().simple());
    let pool = sqlx::PgPool::connect(&admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&pool).await.unwrap();
    pool.close().await;
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin);
    Some(format!("{base}/{name}"))
}

pub async fn spawn_app() -> TestApp {
    let (url, dir) = sqlite_url().await;
    spawn_on(&url, Some(dir)).await
}

pub async fn spawn_on(url: &str, dir: Option<tempfile::TempDir>) -> TestApp {
    let store = Store::connect(url, 8).await.unwrap();
    spawn_with_store(store, dir).await
}

pub async fn spawn_with_store(store: Store, dir: Option<tempfile::TempDir>) -> TestApp {
    spawn_with_config(store, dir, WebConfig { secure_cookies: false, ..WebConfig::default() }).await
}

pub async fn spawn_with_config(store: Store, dir: Option<tempfile::TempDir>, config: WebConfig) -> TestApp {
    let clock = Arc::new(FixedClock::new(start_time()));
    let state = AppState::new(store.clone(), clock.clone(), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(web::serve(listener, state.clone(), std::future::pending()));
    TestApp { address, store, clock, state, _dir: dir }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn agency(&self, name: &str, kind: AgencyKind) -> Agency {
        let agency = Agency { id: AgencyId::new(self.clock.now()), name: name.into(), kind };
        self.store.create_agency(&agency).await.unwrap();
        agency
    }

    /// A member who can sign in with `PASSWORD`.
    pub async fn member(&self, agency: &Agency, username: &str, roles: &[Role]) -> Actor {
        let member = Member {
            id: MemberId::new(self.clock.now()),
            agency_id: agency.id,
            username: username.into(),
            display_name: format!("{username} (test)"),
            roles: roles.to_vec(),
            disabled: false,
        };
        self.store.create_member(&member, &PASSWORD_HASH, self.clock.now()).await.unwrap();
        Actor { member_id: member.id, agency_id: agency.id, roles: member.roles, display_name: member.display_name }
    }

    /// A signed-in client without going through the password check (fast for many roles).
    pub async fn session_for(&self, actor: &Actor) -> Client {
        let token = format!("token-{}", uuid::Uuid::now_v7().simple());
        let csrf = format!("csrf-{}", uuid::Uuid::now_v7().simple());
        let session = Session {
            token_hash: sha256_hex(&token),
            member_id: actor.member_id,
            csrf_token: csrf.clone(),
            created_at: self.clock.now(),
            expires_at: self.clock.now().checked_add(jiff::SignedDuration::from_hours(8)).unwrap(),
        };
        self.store.create_session(&session).await.unwrap();
        Client::new(self, Some(token), csrf)
    }

    pub fn anonymous(&self) -> Client {
        Client::new(self, None, String::new())
    }

    pub async fn person(&self, creator: &Actor, family_name: &str, bsn: &str) -> PersonId {
        let zone = jiff::tz::TimeZone::UTC;
        let people = People { store: &self.store, clock: self.clock.as_ref(), time_zone: &zone };
        let input = PersonInput {
            family_name: family_name.into(),
            given_names: "Jan".into(),
            birth_date: "1984-03-12".into(),
            identifiers: vec![IdentifierInput { kind: "bsn".into(), value: bsn.into() }],
            ..Default::default()
        };
        let basis = TeamEntryInput {
            basis_kind: "statutory_task".into(),
            statute: "Politiewet 2012".into(),
            reason: "test".into(),
            ..Default::default()
        };
        people.create(creator, &input, &basis).await.unwrap().id
    }

    /// Adds `agency` to the person's team (statutory task, Safety House covenant), as `by`.
    pub async fn join_team(&self, by: &Actor, person: PersonId, agency: &Agency) {
        let zone = jiff::tz::TimeZone::UTC;
        let people = People { store: &self.store, clock: self.clock.as_ref(), time_zone: &zone };
        let input = TeamEntryInput {
            agency_id: agency.id.to_string(),
            basis_kind: "statutory_task".into(),
            statute: "Convenant Zorg- en Veiligheidshuis".into(),
            reason: "case conference".into(),
            ..Default::default()
        };
        people.add_to_team(by, person, &input).await.unwrap();
    }

    pub async fn count(&self, table: &str) -> i64 {
        let sql = sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}"));
        match self.store.pool() {
            store::Pool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
            store::Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        }
    }
}

pub fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// An HTTP client that does not follow redirects, so tests see the 303s.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub csrf: String,
    token: Option<String>,
}

impl Client {
    fn new(app: &TestApp, token: Option<String>, csrf: String) -> Self {
        let http =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
        Client { http, base: app.address.clone(), csrf, token }
    }

    fn with_cookie(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(token) => request.header("cookie", format!("desist_session={token}")),
            None => request,
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.with_cookie(self.http.get(format!("{}{path}", self.base))).send().await.unwrap()
    }

    /// A form post with this session's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf", &self.csrf));
        self.post_raw(path, &all).await
    }

    /// A form post exactly as given (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.with_cookie(self.http.post(format!("{}{path}", self.base))).form(fields).send().await.unwrap()
    }

    pub async fn api(&self, method: reqwest::Method, path: &str, body: Option<serde_json::Value>) -> reqwest::Response {
        let mut request = self
            .with_cookie(self.http.request(method, format!("{}{path}", self.base)))
            .header("x-csrf-token", &self.csrf);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }
}

/// The CSRF token in a page's forms.
pub fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// Distinct valid BSNs (they pass the eleven-test), one for each `n`.
pub fn valid_bsn(n: usize) -> String {
    let mut candidate = 100_000_000 + n as u64 * 7919;
    loop {
        let digits: Vec<u64> = candidate.to_string().bytes().map(|b| u64::from(b - b'0')).collect();
        let sum: i64 = digits.iter().zip([9i64, 8, 7, 6, 5, 4, 3, 2, -1]).map(|(d, w)| *d as i64 * w).sum();
        if sum % 11 == 0 {
            return candidate.to_string();
        }
        candidate += 1;
    }
}

/// An API call: its status and JSON body; a client error must come as problem JSON.
pub async fn api_call(
    client: &Client,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (reqwest::StatusCode, serde_json::Value) {
    let response = client.api(method, path, body).await;
    let status = response.status();
    let problem = response.headers().get("content-type").is_some_and(|c| c == "application/problem+json");
    let body: serde_json::Value = response.json().await.unwrap_or(serde_json::Value::Null);
    if status.is_client_error() {
        assert!(problem, "{path}: a {status} is problem JSON");
    }
    (status, body)
}

/// The fields a problem's errors name.
pub fn problem_fields(problem: &serde_json::Value) -> Vec<String> {
    problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect()
}
