//! Sign-in, sessions and the request context. Sessions are random tokens; the database keeps
//! only their SHA-256, so a copy of the database does not let anyone in. Passwords are checked
//! with argon2 on the blocking pool, never on the async runtime, as many at once as
//! `password::PasswordChecks` allows; every attempt is on record before its check
//! (`domain::directory::SignIns`), so the throttle holds under parallel attempts.

use crate::AppState;
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::i18n::{Lang, Texts};
use crate::page::{Page, render};
use crate::proxies::TrustedProxies;
use argon2::{Argon2, PasswordHasher};
use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, Query, Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, RETRY_AFTER, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::access::Actor;
use domain::directory::{DirectoryStore, FailedAttempts, LiveSession, Session, SessionStore, parse_username};
use jiff::SignedDuration;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "desist_session";
pub const LANG_COOKIE: &str = "desist_lang";

/// Who is asking, in which language, from where; put on every request by `load_session`.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub signed_in: Option<SignedIn>,
    pub texts: Texts,
    pub address: String,
    pub path: String,
    /// The signed-in member's unread notifications, counted for pages only (not for the API,
    /// assets or the board's refreshed fragment).
    pub unread: Option<u32>,
    /// What failed on the member's account before they signed in, told on the first page after.
    pub notice: Option<String>,
    /// The member's roles act for the provider side of referrals (data: `referral_side_role`),
    /// so the menu offers the provider's lists; read for pages only, like `unread`.
    pub provides: bool,
    /// The signed-in member's own zone (`AppState::member_zone`), found for pages only with
    /// their words in the same read: a page of their own lists dates in it without reading
    /// it again.
    pub(crate) member_zone: Option<crate::person_packs::PageZone>,
}

impl RequestContext {
    /// This request in the words of `pack`'s jurisdiction, for pages about one location or case
    /// (see `Texts::in_pack`): the layout around the page reads the same words.
    pub fn in_pack(&self, pack: &'static domain::jurisdiction::JurisdictionPack) -> RequestContext {
        RequestContext { texts: self.texts.in_pack(pack), ..self.clone() }
    }
}

#[derive(Debug, Clone)]
pub struct SignedIn {
    pub actor: Actor,
    pub agency_name: String,
    pub csrf_token: String,
    /// Authenticated by an `Authorization: Bearer` header rather than the cookie: such
    /// requests cannot be forged by another site, so they need no CSRF token.
    pub by_bearer: bool,
    pub token_hash: String,
    /// Failed attempts not yet told to the member (see `RequestContext::notice`).
    pub failed_attempts: Option<FailedAttempts>,
    /// The password was set by someone else: until it is changed, every page sends the member
    /// to `/account/password` and the API refuses with 403 (`load_session`).
    pub must_change_password: bool,
    /// The kind of the member's agency; `None` for a partner system's API key.
    pub agency_kind: Option<domain::directory::AgencyKind>,
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = WebError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, WebError> {
        parts.extensions.get::<RequestContext>().cloned().ok_or_else(|| WebError::internal("request context missing"))
    }
}

/// A signed-in member; handlers that take it are closed to anonymous requests.
pub struct Member(pub SignedIn, pub RequestContext);

impl<S: Send + Sync> FromRequestParts<S> for Member {
    type Rejection = WebError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, WebError> {
        let context = RequestContext::from_request_parts(parts, state).await?;
        match context.signed_in.clone() {
            Some(signed_in) => Ok(Member(signed_in, context)),
            None => Err(WebError::Unauthenticated),
        }
    }
}

pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes a password with argon2id on the blocking pool.
pub async fn hash_password(password: String) -> Result<String, WebError> {
    tokio::task::spawn_blocking(move || Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()))
        .await
        .map_err(|e| WebError::internal(e.to_string()))?
        .map_err(|e| WebError::internal(e.to_string()))
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

fn client_address(request: &Request, proxies: &TrustedProxies) -> String {
    let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() else {
        return "unknown".into();
    };
    let forwarded: Vec<&str> =
        request.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
    proxies.client(peer.ip(), &forwarded).to_string()
}

async fn signed_in(state: &AppState, token: &str, by_bearer: bool, api: bool) -> Result<Option<SignedIn>, WebError> {
    let token_hash = hash_token(token);
    let Some(LiveSession { session, member, agency_name, must_change_password, agency_kind }) =
        state.store.session(&token_hash, state.clock.now()).await?
    else {
        // A partner system's API key, as a bearer token on the API only.
        if by_bearer && api {
            use domain::partnership::service::api_keys::ApiKeyStore;
            if let Some((key, agency_name)) = state.store.live_api_key(&token_hash).await? {
                return Ok(Some(SignedIn {
                    actor: key.actor(),
                    agency_name,
                    csrf_token: String::new(),
                    by_bearer,
                    token_hash,
                    failed_attempts: None,
                    must_change_password: false,
                    agency_kind: None,
                }));
            }
        }
        return Ok(None);
    };
    Ok(Some(SignedIn {
        actor: Actor {
            member_id: member.id,
            agency_id: member.agency_id,
            roles: member.roles,
            display_name: member.display_name,
        },
        agency_name,
        csrf_token: session.csrf_token,
        by_bearer,
        token_hash,
        failed_attempts: session.failed_attempts,
        must_change_password,
        agency_kind,
    }))
}

/// Middleware: resolves the session and language once per request.
pub async fn load_session(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    let token = bearer(headers)
        .map(|t| (t.to_string(), true))
        .or_else(|| cookie(headers, SESSION_COOKIE).map(|t| (t.to_string(), false)));
    let lang = cookie(headers, LANG_COOKIE).and_then(Lang::parse).unwrap_or(state.config.default_lang);
    let api = request.uri().path().starts_with("/api/");
    let signed_in = match token {
        Some((token, by_bearer)) => match signed_in(&state, &token, by_bearer, api).await {
            Ok(found) => found,
            Err(error) => return error.into_response(),
        },
        None => None,
    };
    let path = request.uri().path().to_string();
    if signed_in.as_ref().is_some_and(|s| s.must_change_password) && !open_before_password_change(&path) {
        return if path.starts_with("/api/") {
            crate::api::problem::problem(
                StatusCode::FORBIDDEN,
                "change the password set for you first: POST /api/v1/account/password",
                Vec::new(),
                serde_json::json!({"change_password": "/api/v1/account/password"}),
            )
        } else {
            Redirect::to("/account/password").into_response()
        };
    }
    // For a page: the member's own zone and pack, from one read of what chooses them.
    let packs = match &signed_in {
        Some(member) if shows_a_page(request.method(), &path) => {
            let found = state
                .agency_pack_source(member.actor.agency_id)
                .await
                .and_then(|source| Ok((state.member_zone_of(&source)?, state.member_pack_of(&source)?)));
            match found {
                Ok(found) => Some(found),
                Err(error) => return error.into_response(),
            }
        }
        _ => None,
    };
    let unread = match (&signed_in, &packs) {
        (Some(member), Some((zone, _))) => {
            // Counted in the member's own zone: what "today" is for them decides which
            // persons they still see.
            match state.notifications_in(&zone.zone).unread(&member.actor).await {
                Ok(count) => Some(count),
                Err(error) => return WebError::from(error).into_response(),
            }
        }
        _ => None,
    };
    // Pages speak the words of the member's jurisdiction (a custody officer in Liverpool reads
    // "custody suite" on every page), else the deployment's; a page about one ZSM location or
    // case switches to that location's pack (`RequestContext::in_pack`).
    let (member_zone, pack) = match packs {
        Some((zone, pack)) => (Some(zone), pack),
        None => (None, state.config.pack),
    };
    let provides = match &signed_in {
        Some(member) if unread.is_some() => {
            match state.interventions_in(&state.config.time_zone).provides(&member.actor).await {
                Ok(provides) => provides,
                Err(error) => return WebError::from(error).into_response(),
            }
        }
        _ => false,
    };
    let texts = Texts::new(lang).in_pack(pack);
    let notice = match &signed_in {
        Some(member) if request.method() == axum::http::Method::GET && unread.is_some() && !member.by_bearer => {
            member.failed_attempts.as_ref().map(|failed| failed_attempts_notice(&state, failed, texts))
        }
        _ => None,
    };
    let told = notice.as_ref().and(signed_in.as_ref()).map(|member| member.token_hash.clone());
    let context = RequestContext {
        signed_in,
        texts,
        address: client_address(&request, &state.config.trusted_proxies),
        path,
        unread,
        notice,
        provides,
        member_zone,
    };
    request.extensions_mut().insert(context);
    let response = next.run(request).await;
    // Told once the page showing it was answered (not a redirect on to another page).
    if let Some(token_hash) = told
        && response.status() == StatusCode::OK
        && let Err(error) = state.store.clear_failed_attempts(&token_hash).await
    {
        tracing::warn!(%error, "the notice of failed sign-in attempts could not be cleared");
    }
    response
}

/// What a member whose password must be changed may reach before changing it.
fn open_before_password_change(path: &str) -> bool {
    matches!(path, "/account/password" | "/api/v1/account/password" | "/logout" | "/healthz" | "/api/openapi.json")
        || path.starts_with("/assets/")
        || path.starts_with("/language/")
}

/// The notice of failed attempts on the member's account, for the first page after signing in.
fn failed_attempts_notice(state: &AppState, failed: &FailedAttempts, t: Texts) -> String {
    let key = if failed.count == 1 { "login.failed_attempts_one" } else { "login.failed_attempts" };
    let time = crate::page::local_time(failed.last_at, &state.config.time_zone);
    t.fill(key, &[("count", &failed.count.to_string()), ("address", &failed.last_from), ("time", &time)])
}

/// Whether a request may answer with a page that shows the menu (a page, or a form re-shown
/// with its errors): outside the API, the assets and the board's refreshed fragment.
fn shows_a_page(method: &axum::http::Method, path: &str) -> bool {
    (method == axum::http::Method::GET || method == axum::http::Method::POST)
        && !path.starts_with("/api/")
        && !path.starts_with("/assets/")
        && path != "/healthz"
        && !path.ends_with("/fragment")
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/language/{code}", get(switch_language))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    username: String,
    next: String,
    errors: ErrorList,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginQuery {
    next: String,
}

async fn login_page(context: RequestContext, Query(query): Query<LoginQuery>) -> Result<Response, WebError> {
    if context.signed_in.is_some() {
        return Ok(Redirect::to("/people").into_response());
    }
    let page = Page::new(&context, context.texts.get("login.title"));
    Ok(render(
        StatusCode::OK,
        &LoginPage {
            page,
            username: String::new(),
            next: redirect_target(&query.next).to_string(),
            errors: ErrorList::default(),
        },
    ))
}

/// Why a sign-in failed.
pub enum LoginError {
    /// Wrong password, unknown or disabled account: the same words for each.
    WrongCredentials,
    /// The throttle refused the attempt before checking it; the address may try again after this.
    Throttled(SignedDuration),
    /// Too many sign-ins are being checked: refused before anything (answered after a second),
    /// try again in a moment.
    Busy,
    Web(WebError),
}

impl From<WebError> for LoginError {
    fn from(error: WebError) -> Self {
        LoginError::Web(error)
    }
}

impl From<domain::ports::StoreError> for LoginError {
    fn from(error: domain::ports::StoreError) -> Self {
        LoginError::Web(error.into())
    }
}

impl LoginError {
    /// Seconds for `Retry-After` when the sign-in was refused without being checked.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            LoginError::Throttled(wait) => Some(wait.as_secs().max(1).unsigned_abs()),
            LoginError::Busy => Some(1),
            _ => None,
        }
    }

    /// What the member reads, in their language.
    pub fn message(&self, t: Texts) -> String {
        match self {
            LoginError::Throttled(wait) => {
                let minutes = (wait.as_secs().max(1).unsigned_abs()).div_ceil(60);
                let key = if minutes == 1 { "login.throttled_one" } else { "login.throttled" };
                t.fill(key, &[("minutes", &minutes.to_string())])
            }
            LoginError::Busy => t.get("login.busy").to_string(),
            _ => t.get("login.failed").to_string(),
        }
    }
}

/// Sets `Retry-After` on a refused sign-in's answer.
pub fn with_retry_after(mut response: Response, error: &LoginError) -> Response {
    if let Some(seconds) = error.retry_after()
        && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
    {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}

pub struct NewSession {
    pub token: String,
    pub session: Session,
}

/// Checks the password and opens a session. In this order: a place among the sign-ins being
/// checked (or `Busy` at once), the attempt on record and judged by the throttle (or
/// `Throttled`), the password checked. A success ends `presented` (the session the browser
/// came with, if any): one browser, one session.
pub async fn authenticate(
    state: &AppState,
    username: &str,
    password: String,
    address: &str,
    presented: Option<&str>,
) -> Result<NewSession, LoginError> {
    let username = parse_username(username).unwrap_or_else(|_| username.trim().to_lowercase());
    let Some(admission) = state.password_checks.admit() else {
        tracing::warn!(%username, %address, "sign-in refused: too many being checked");
        tokio::time::sleep(state.password_checks.refused_answer_after()).await;
        return Err(LoginError::Busy);
    };
    let sign_ins = state.sign_ins();
    let attempt = match sign_ins.attempt(&username, address).await? {
        Ok(attempt) => attempt,
        Err(wait) => {
            tracing::warn!(%username, %address, "login throttled");
            return Err(LoginError::Throttled(wait));
        }
    };
    let credentials = state.store.credentials(&username).await?;
    let hash = credentials.as_ref().map(|c| c.password_hash.clone());
    let valid = admission.verify(password, hash).await;
    drop(admission);
    let member = match credentials {
        Some(c) if valid && !c.member.disabled => c.member,
        _ => {
            sign_ins.failed(attempt).await?;
            tracing::info!(%username, %address, "login failed");
            return Err(LoginError::WrongCredentials);
        }
    };
    let failed_attempts = sign_ins.succeeded(attempt, &username).await?;
    let now = state.clock.now();
    let token = random_token();
    let session = Session {
        token_hash: hash_token(&token),
        member_id: member.id,
        csrf_token: random_token(),
        created_at: now,
        expires_at: now.checked_add(state.config.session_lifetime).unwrap_or(now),
        signed_in_from: address.to_string(),
        failed_attempts,
    };
    state.store.create_session(&session).await?;
    if let Some(old) = presented {
        state.store.delete_session(old).await?;
    }
    tracing::info!(%username, "signed in");
    Ok(NewSession { token, session })
}

async fn login(State(state): State<AppState>, context: RequestContext, posted: Posted) -> Result<Response, WebError> {
    let (username, next) = (posted.get("username"), redirect_target(&posted.get("next")).to_string());
    let presented = context.signed_in.as_ref().map(|s| s.token_hash.clone());
    match authenticate(&state, &username, posted.get("password"), &context.address, presented.as_deref()).await {
        Ok(new) => {
            let mut response = Redirect::to(&next).into_response();
            let max_age = state.config.session_lifetime.as_secs();
            set_cookie(
                &mut response,
                &format!("{SESSION_COOKIE}={}; Max-Age={max_age}", new.token),
                state.config.secure_cookies,
            );
            Ok(response)
        }
        Err(LoginError::Web(error)) => Err(error),
        Err(error) => {
            let t = context.texts;
            let status = match error {
                LoginError::WrongCredentials => StatusCode::UNAUTHORIZED,
                _ => StatusCode::TOO_MANY_REQUESTS,
            };
            let page = Page::new(&context, t.get("login.title"));
            let errors = ErrorList::single("username", error.message(t));
            Ok(with_retry_after(render(status, &LoginPage { page, username, next, errors }), &error))
        }
    }
}

async fn logout(State(state): State<AppState>, Member(member, _): Member) -> Result<Response, WebError> {
    state.store.delete_session(&member.token_hash).await?;
    let mut response = Redirect::to("/login").into_response();
    set_cookie(&mut response, &format!("{SESSION_COOKIE}=; Max-Age=0"), state.config.secure_cookies);
    Ok(response)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LanguageQuery {
    back: String,
}

async fn switch_language(
    State(state): State<AppState>,
    axum::extract::Path(code): axum::extract::Path<String>,
    Query(query): Query<LanguageQuery>,
) -> Result<Response, WebError> {
    let lang = Lang::parse(&code).ok_or(WebError::NotFound)?;
    let mut response = Redirect::to(redirect_target(&query.back)).into_response();
    let one_year = 365 * 24 * 3600;
    set_cookie(
        &mut response,
        &format!("{LANG_COOKIE}={}; Max-Age={one_year}", lang.code()),
        state.config.secure_cookies,
    );
    Ok(response)
}

fn set_cookie(response: &mut Response, value: &str, secure: bool) {
    let secure = if secure { "; Secure" } else { "" };
    let header = format!("{value}; Path=/; HttpOnly; SameSite=Lax{secure}");
    if let Ok(value) = HeaderValue::from_str(&header) {
        response.headers_mut().append(SET_COOKIE, value);
    }
}

/// The one check of every redirect target the application takes from input (`next` at
/// sign-in, `back` after switching language): a path on this site, or else `/`.
///
/// A target is kept only when it starts with one `/` (not `//` or `/\`: another host) and is
/// visible ASCII without backslashes. So no scheme and no other host however spelled —
/// browsers drop tabs and line breaks from a URL, so `/<tab>/evil.example` is `//evil.example`
/// to them, and read `\` as `/` — and nothing a `Location` header cannot carry (control
/// characters there answered 500). Paths this application links to are percent-encoded, so
/// they pass.
pub fn redirect_target(raw: &str) -> &str {
    let bytes = raw.as_bytes();
    let on_this_site = bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && bytes.iter().all(|b| b.is_ascii_graphic() && *b != b'\\');
    if on_this_site { raw } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_targets_stay_on_the_site() {
        for kept in ["/", "/people/1", "/people?q=%C3%96zdemir&page=2", "/zsm/zsm-utrecht/board#case-3"] {
            assert_eq!(redirect_target(kept), kept);
        }
        for refused in [
            "",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n",
            "/people\r\nSet-Cookie: x=1",
            "https://evil.example",
            "javascript:alert(1)",
            "\\\\evil.example",
            "/a\\b",
            " /people",
            "people",
            "/Özdemir",
            "/a\u{0}",
            "/a\u{7f}",
        ] {
            assert_eq!(redirect_target(refused), "/", "{refused:?}");
        }
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), a);
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; desist_session=abc; b=2"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
    }
}
