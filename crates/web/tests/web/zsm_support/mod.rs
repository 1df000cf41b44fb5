//! `spawn_app()`: the whole application on a real listener (port 0) over a fresh SQLite file
//! (or, with `spawn_on`, a fresh PostgreSQL database), with a fixed clock, and helpers to add
//! members and sign them in.

#![allow(dead_code)]

pub mod table;

use crate::support as common;
pub use common::postgres_url;

use domain::FixedClock;
use domain::access::{Actor, Role};
use domain::directory::{Agency, AgencyKind, Member};
use domain::ids::{AgencyId, MemberId};
use domain::ports::DirectoryStore;
use jiff::Timestamp;
use std::sync::{Arc, OnceLock};
use store::Store;
use web::{AppState, WebConfig};

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub address: String,
    pub store: Store,
    pub clock: Arc<FixedClock>,
    _dir: Option<tempfile::TempDir>,
}

pub async fn spawn_app(now: &str) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("desist.db").display());
    spawn_on(now, &url, Some(dir)).await
}

/// The application over the database at `url` (SQLite or PostgreSQL).
pub async fn spawn_on(now: &str, url: &str, dir: Option<tempfile::TempDir>) -> TestApp {
    let store = Store::connect(url, 4).await.unwrap();
    let clock = Arc::new(FixedClock::new(now.parse().unwrap()));
    let config = WebConfig { secure_cookies: false, default_lang: web::i18n::Lang::En, ..WebConfig::default() };
    let state = AppState::new(store.clone(), clock.clone(), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(web::serve(listener, state, std::future::pending()));
    TestApp { address, store, clock, _dir: dir }
}

/// One argon2 hash shared by every test member (hashing is slow in debug builds).
async fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    if let Some(hash) = HASH.get() {
        return hash.clone();
    }
    let hash = web::hash_password(PASSWORD.into()).await.unwrap();
    HASH.get_or_init(|| hash).clone()
}

impl TestApp {
    pub fn now(&self) -> Timestamp {
        use domain::Clock;
        self.clock.now()
    }

    /// A new agency with one member; returns the actor and the username.
    pub async fn member(&self, agency: &str, kind: AgencyKind, role: Role) -> (Actor, String) {
        let now = self.now();
        let agency = Agency { id: AgencyId::new(now), name: agency.into(), kind };
        self.store.create_agency(&agency).await.unwrap();
        self.member_of(&agency, role).await
    }

    pub async fn member_of(&self, agency: &Agency, role: Role) -> (Actor, String) {
        self.member_with_roles(agency, &[role]).await
    }

    /// A member holding several roles, e.g. a police officer designated assistant prosecutor.
    pub async fn member_with_roles(&self, agency: &Agency, roles: &[Role]) -> (Actor, String) {
        let role = roles[0];
        let now = self.now();
        let username = format!("{}-{}", role.code(), MemberId::new(now).to_string().get(24..).unwrap());
        let member = Member {
            id: MemberId::new(now),
            agency_id: agency.id,
            username: username.clone(),
            display_name: format!("{} ({})", role.code(), agency.name),
            roles: roles.to_vec(),
            disabled: false,
        };
        self.store.create_member(&member, &password_hash().await, now).await.unwrap();
        let actor = Actor {
            member_id: member.id,
            agency_id: agency.id,
            roles: member.roles,
            display_name: member.display_name,
        };
        (actor, username)
    }

    /// A browser with a session made in the store, without the sign-in form (whose throttle
    /// a walk over many members would trip).
    pub async fn session(&self, actor: &Actor) -> Client {
        use domain::ports::{Session, SessionStore};
        let token = format!("token-{}", uuid::Uuid::now_v7().simple());
        let now = self.now();
        let session = Session {
            token_hash: common::sha256_hex(&token),
            member_id: actor.member_id,
            csrf_token: format!("csrf-{}", uuid::Uuid::now_v7().simple()),
            created_at: now,
            expires_at: now + jiff::SignedDuration::from_hours(8),
        };
        self.store.create_session(&session).await.unwrap();
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        jar.add_cookie_str(&format!("desist_session={token}"), &self.address.parse().unwrap());
        let http = reqwest::Client::builder().cookie_provider(jar).build().unwrap();
        Client { http, address: self.address.clone() }
    }

    /// A browser signed in as `username`.
    pub async fn client(&self, username: &str) -> Client {
        let http = reqwest::Client::builder().cookie_store(true).build().unwrap();
        let response = http
            .post(format!("{}/login", self.address))
            .form(&[("username", username), ("password", PASSWORD), ("next", "")])
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "sign-in of {username} failed: {}", response.status());
        Client { http, address: self.address.clone() }
    }

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
    pub async fn execute(&self, sql: &str) {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        match self.store.pool() {
            store::Pool::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()).unwrap(),
            store::Pool::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()).unwrap(),
        }
    }
}

pub struct Client {
    pub http: reqwest::Client,
    pub address: String,
}

pub struct Page {
    pub status: u16,
    pub url: String,
    pub body: String,
}

impl Client {
    pub async fn get(&self, path: &str) -> Page {
        let response = self.http.get(format!("{}{path}", self.address)).send().await.unwrap();
        Page {
            status: response.status().as_u16(),
            url: response.url().path().to_string(),
            body: response.text().await.unwrap(),
        }
    }

    /// Posts a form with the session's CSRF token (read from `token_page`), following redirects.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf().await;
        let mut form: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        form.extend_from_slice(fields);
        let response = self.http.post(format!("{}{path}", self.address)).form(&form).send().await.unwrap();
        Page {
            status: response.status().as_u16(),
            url: response.url().path().to_string(),
            body: response.text().await.unwrap(),
        }
    }

    async fn csrf(&self) -> String {
        let page = self.get("/zsm").await;
        let marker = "name=\"csrf\" value=\"";
        let start = page.body.find(marker).expect("a page with a form") + marker.len();
        page.body[start..].split('"').next().unwrap().to_string()
    }
}
