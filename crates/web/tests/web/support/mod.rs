//! The one harness of the web tests. `spawn_app()` starts the real application on a real
//! listener (port 0) over a real database — a temporary SQLite file, or with `spawn_postgres()`
//! a fresh database on the PostgreSQL server named by `DESIST_TEST_DATABASE_URL` — with a fixed
//! clock the test can move; `app()` does the same with another start time, language or
//! configuration. `TestApp` makes agencies, members and people and signs members in; a
//! `Client` is one member's browser or API client. The casts several modules share are in
//! `teams`, evidence extracts and cohort decisions in `extracts`, the ZSM table in `zsm`.

pub mod extracts;
pub mod teams;
pub mod zsm;

#[path = "../../../../store/tests/support/scratch.rs"]
#[allow(dead_code, reason = "shared with the store's tests, which use all of it")]
mod scratch;
use scratch::Scratch;

use domain::access::{Actor, Role, TeamEntryInput};
use domain::directory::{Agency, AgencyKind, Member};
use domain::directory::{DirectoryStore, Session, SessionStore};
use domain::ids::{AgencyId, MemberId, PersonId};
use domain::people::service::People;
use domain::people::{IdentifierInput, PersonInput};
use domain::{Clock, FixedClock};
use jiff::Timestamp;
use reqwest::StatusCode;
use std::sync::{Arc, LazyLock};
use store::Store;
use web::{AppState, WebConfig};

pub const PASSWORD: &str = "correct horse battery staple";

/// Sunday 22 November 2026, 10:00 in Amsterdam: when the clock of `spawn_app()` starts.
pub fn start_time() -> Timestamp {
    "2026-11-22T09:00:00Z".parse().unwrap()
}

/// One argon2 hash shared by every test member (hashing is slow in debug builds).
static PASSWORD_HASH: LazyLock<String> = LazyLock::new(|| {
    use argon2::PasswordHasher;
    argon2::Argon2::default().hash_password(PASSWORD.as_bytes()).unwrap().to_string()
});

pub struct TestApp {
    pub address: String,
    pub store: Store,
    pub clock: Arc<FixedClock>,
    pub state: AppState,
    /// The database this application runs on, for a second server on the same one.
    pub database_url: String,
    _scratch: Option<Scratch>,
}

/// The application at `start_time()`, in its default language (Dutch), on SQLite.
pub async fn spawn_app() -> TestApp {
    app().sqlite().await
}

/// The application on a fresh PostgreSQL database, or `None` (and a note that the test is
/// skipped) when the tests have no PostgreSQL server.
pub async fn spawn_postgres() -> Option<TestApp> {
    app().postgres().await
}

/// Another server on the database at `url` (SQLite or PostgreSQL).
pub async fn spawn_on(url: &str) -> TestApp {
    app().on(url).await
}

/// How to start the application: `app().at(..).in_english().sqlite()`.
pub fn app() -> Spawn {
    Spawn { now: start_time(), config: WebConfig { secure_cookies: false, ..WebConfig::default() } }
}

pub struct Spawn {
    now: Timestamp,
    config: WebConfig,
}

impl Spawn {
    /// The clock starts at `now` instead of `start_time()`.
    pub fn at(mut self, now: &str) -> Self {
        self.now = now.parse().unwrap();
        self
    }

    /// Pages in English unless the member chooses otherwise.
    pub fn in_english(mut self) -> Self {
        self.config.default_lang = web::i18n::Lang::En;
        self
    }

    /// A deployment's own configuration, e.g. its cohort rules.
    pub fn configure(mut self, change: impl FnOnce(&mut WebConfig)) -> Self {
        change(&mut self.config);
        self
    }

    /// On a fresh SQLite file in a temporary directory.
    pub async fn sqlite(self) -> TestApp {
        let (url, scratch) = Scratch::sqlite();
        self.start(&url, Some(scratch)).await
    }

    /// On a fresh PostgreSQL database; `None` when the tests have no PostgreSQL server.
    pub async fn postgres(self) -> Option<TestApp> {
        let Some((url, scratch)) = postgres_url().await else {
            eprintln!("skipped: DESIST_TEST_DATABASE_URL is not set");
            return None;
        };
        Some(self.start(&url, Some(scratch)).await)
    }

    /// On the database at `url`.
    pub async fn on(self, url: &str) -> TestApp {
        self.start(url, None).await
    }

    async fn start(self, url: &str, scratch: Option<Scratch>) -> TestApp {
        let store = Store::connect(url, 8).await.unwrap();
        let clock = Arc::new(FixedClock::new(self.now));
        let state = AppState::new(store.clone(), clock.clone(), self.config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(web::serve(listener, state.clone(), std::future::pending()));
        TestApp { address, store, clock, state, database_url: url.to_string(), _scratch: scratch }
    }
}

/// A new database on the test PostgreSQL server, or `None` when none is configured.
async fn postgres_url() -> Option<(String, Scratch)> {
    let admin = match std::env::var("DESIST_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            assert!(std::env::var("DESIST_REQUIRE_POSTGRES").is_err(), "DESIST_TEST_DATABASE_URL is required");
            return None;
        }
    };
    Some(Scratch::postgres(&admin, "desist_web").await)
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub async fn agency(&self, name: &str, kind: AgencyKind) -> Agency {
        let agency = Agency { id: AgencyId::new(self.clock.now()), name: name.into(), kind };
        self.store.create_agency(&agency).await.unwrap();
        agency
    }

    /// A member who can sign in as `username` with `PASSWORD`, shown as "{username} (test)".
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

    /// A new agency with one member.
    pub async fn member_of_new_agency(&self, agency: &str, kind: AgencyKind, username: &str, role: Role) -> Actor {
        let agency = self.agency(agency, kind).await;
        self.member(&agency, username, &[role]).await
    }

    /// A signed-in client, its session made in the store without the sign-in form (fast for
    /// many members, and clear of the form's throttle).
    pub async fn session_for(&self, actor: &Actor) -> Client {
        let token = format!("token-{}", uuid::Uuid::now_v7().simple());
        let csrf = format!("csrf-{}", uuid::Uuid::now_v7().simple());
        let session = Session {
            token_hash: sha256_hex(&token),
            member_id: actor.member_id,
            csrf_token: csrf.clone(),
            created_at: self.clock.now(),
            expires_at: self.clock.now().checked_add(jiff::SignedDuration::from_hours(8)).unwrap(),
            signed_in_from: "127.0.0.1".into(),
            failed_attempts: None,
        };
        self.store.create_session(&session).await.unwrap();
        Client::new(self, Some(token), csrf)
    }

    /// A client signed in through the real sign-in form as `username`.
    pub async fn sign_in(&self, username: &str) -> Client {
        let mut client = self.anonymous();
        let response = client.post_raw("/login", &[("username", username), ("password", PASSWORD), ("next", "")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "sign-in of {username} failed");
        // Every page a member sees carries the session's CSRF token in its sign-out form.
        let page = client.get("/zsm").await.text().await.unwrap();
        client.csrf = input_value(&page, "csrf");
        client
    }

    pub fn anonymous(&self) -> Client {
        Client::new(self, None, String::new())
    }

    /// "Jan {family_name}", born 1984-03-12, with BSN `bsn`, registered by `creator` on their
    /// statutory task.
    pub async fn person(&self, creator: &Actor, family_name: &str, bsn: &str) -> PersonId {
        let input = PersonInput {
            family_name: family_name.into(),
            given_names: "Jan".into(),
            birth_date: "1984-03-12".into(),
            identifiers: vec![IdentifierInput { kind: "bsn".into(), value: bsn.into() }],
            ..Default::default()
        };
        self.register(creator, &input, "Politiewet 2012", "test", &jiff::tz::TimeZone::UTC).await
    }

    /// Registers `input` as `creator`, on their statutory task under `statute`, for `reason`;
    /// dates are read in `zone`.
    pub async fn register(
        &self,
        creator: &Actor,
        input: &PersonInput,
        statute: &str,
        reason: &str,
        zone: &jiff::tz::TimeZone,
    ) -> PersonId {
        let people = People { store: &self.store, clock: self.clock.as_ref(), time_zone: zone };
        let basis = TeamEntryInput {
            basis_kind: "statutory_task".into(),
            statute: statute.into(),
            reason: reason.into(),
            ..Default::default()
        };
        people.create(creator, input, &basis).await.unwrap().id
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

    /// Rows in `table` (tests only: the name is not escaped; a `WHERE` may follow it).
    pub async fn count(&self, table: &str) -> i64 {
        self.scalar(&format!("SELECT count(*) FROM {table}")).await
    }

    /// The one integer `sql` answers, on either backend.
    pub async fn scalar(&self, sql: &str) -> i64 {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        match self.store.pool() {
            store::Pool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
            store::Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        }
    }

    /// Runs `sql` (test fixtures the application has no use case for, e.g. an evidence extract).
    /// Runs raw SQL as another process would (`psql`), then waits until the server has heard
    /// of the change (on PostgreSQL it keeps reference data in memory while it hears of
    /// every change; `Store::caught_up`).
    pub async fn execute(&self, sql: &str) {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        match self.store.pool() {
            store::Pool::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()).unwrap(),
            store::Pool::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()).unwrap(),
        }
        self.store.caught_up().await.unwrap();
    }
}

pub fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// An HTTP client that does not follow redirects, so tests see the 303s; `visit` and `submit`
/// follow them the way a browser does.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub csrf: String,
    token: Option<String>,
}

/// A page as a browser ends up on it, after redirects.
pub struct Page {
    pub status: u16,
    /// The path of the page, after redirects.
    pub url: String,
    pub body: String,
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

    /// A form post of a body as raw bytes (with this session's CSRF token appended), e.g. to
    /// send what a browser never would.
    pub async fn post_bytes(&self, path: &str, mut body: Vec<u8>) -> reqwest::Response {
        body.extend_from_slice(format!("&csrf={}", self.csrf).as_bytes());
        self.with_cookie(self.http.post(format!("{}{path}", self.base)))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap()
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

    /// The page at `path`, following redirects.
    pub async fn visit(&self, path: &str) -> Page {
        let response = self.get(path).await;
        self.follow(response).await
    }

    /// A form post with this session's CSRF token, following the redirect to the page it
    /// leads to.
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let response = self.post_form(path, fields).await;
        self.follow(response).await
    }

    /// The application redirects with 303 See Other only: the browser then gets the location.
    async fn follow(&self, mut response: reqwest::Response) -> Page {
        for _ in 0..10 {
            if !response.status().is_redirection() {
                break;
            }
            let location = response.headers()["location"].to_str().unwrap().to_string();
            let path = location.strip_prefix(&self.base).unwrap_or(&location).to_string();
            response = self.get(&path).await;
        }
        Page {
            status: response.status().as_u16(),
            url: response.url().path().to_string(),
            body: response.text().await.unwrap(),
        }
    }
}

/// The value of the first form field named `name` in a page (`name="{name}" value="…"`).
pub fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no field {name} in {html}")) + marker.len();
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

/// A form as owned (name, value) pairs, for forms built in a loop or a closure.
pub type Fields = Vec<(String, String)>;

/// Owned form fields as the `(&str, &str)` pairs the clients post.
pub fn refs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
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
