//! desist web: the axum application. `app(state)` builds the whole router.
//!
//! One module per capability for the pages (`people`, `zsm`, `screening`, `plan`,
//! `conference`, `measures`, `evidence`, `notifications`) and `api/<capability>.rs` for the
//! JSON API. Every handler takes the state, the signed-in `Member` and, for a form, `Posted`;
//! reads the request into the domain's input, calls a use case through one of `AppState`'s
//! service constructors, and answers with `page::ok` or, after a form, `page::after_post`
//! (`api::problem` for the API). What pages share: `page` (layout, answering), `forms` (the
//! posted fields, the error summary), `lookup` (agencies and members by name), `auth`
//! (sessions, sign-in, redirect targets), `password` (the bound on password checks),
//! `sessions` (a member's open sessions), `account` (changing one's password), `admin` (the
//! administration of agencies, members, locations and Safety Houses), `csrf`, `error`, `i18n`. Templates are in `templates/`, texts in
//! `messages/*.toml` (one file per capability, every text in Dutch and English), assets
//! embedded.

mod account;
mod admin;
pub mod api;
mod assets;
mod auth;
mod conference;
mod csrf;
mod error;
mod evidence;
mod forms;
mod funds;
mod headers;
// Interventions (issue 19): finder, referrals, providers' and commissioners' pages.
pub mod i18n;
mod interventions;
mod limits;
mod lookup;
mod measures;
mod mentoring;
mod metrics;
mod notifications;
mod page;
mod password;
mod people;
mod person_packs;
mod plan;
pub mod proxies;
mod screening;
mod sessions;
pub mod zsm;
// Interventions (issue 19): the provider webhooks' outbox consumer.
pub mod webhooks;

use axum::Router;
use domain::Clock;
use domain::directory::LoginThrottle;
use domain::jurisdiction::{BeyondPack, JurisdictionPack};
use i18n::Lang;
use jiff::tz::TimeZone;
use std::sync::Arc;
use std::time::Duration;
use store::Store;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use auth::hash_password;
pub use error::WebError;
pub use password::{PasswordCheckStats, PasswordLimits, SystemPasswords};

/// Settings the web layer needs; built by the CLI from the typed configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (on whenever desist is reached over HTTPS).
    pub secure_cookies: bool,
    pub session_lifetime: jiff::SignedDuration,
    /// The jurisdiction's time zone: dates shown and "today" for legal rules.
    pub time_zone: TimeZone,
    /// The deployment's jurisdiction pack: its "beyond the case" rules, and its words on pages
    /// that are not about one ZSM location (a location names its own pack).
    pub pack: &'static JurisdictionPack,
    pub default_lang: Lang,
    pub throttle: LoginThrottle,
    /// How many password checks run at once and how many more may wait (default: from the cores).
    pub password_checks: PasswordLimits,
    /// The reverse proxies whose `X-Forwarded-For` names the client; none by default.
    pub trusted_proxies: proxies::TrustedProxies,
    pub request_timeout: Duration,
    /// The deployment's own cohort rules (from its config), shown beside the shipped ones.
    pub cohort_rules: Vec<::evidence::rules::NamedRule>,
    /// The bearer token `/metrics` answers to; without one there is no `/metrics`.
    pub metrics_token: Option<String>,
    /// Interventions: the wait past which the finder offers to record unmet need.
    pub unmet_need_wait: domain::interventions::WaitThreshold,
    /// Interventions: webhooks may go over plain http to any host (development only); without
    /// it plain http goes only to this machine (localhost, 127.0.0.1, ::1) and all else needs https.
    pub webhooks_allow_plain_http: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: true,
            session_lifetime: jiff::SignedDuration::from_hours(10),
            time_zone: TimeZone::get("Europe/Amsterdam").unwrap_or(TimeZone::UTC),
            pack: domain::jurisdiction::shipped_pack("nl").expect("the shipped packs load (every_shipped_pack_loads)"),
            default_lang: Lang::Nl,
            throttle: LoginThrottle::default(),
            password_checks: PasswordLimits::default(),
            trusted_proxies: proxies::TrustedProxies::default(),
            request_timeout: Duration::from_secs(30),
            cohort_rules: Vec::new(),
            metrics_token: None,
            unmet_need_wait: domain::interventions::WaitThreshold::default(),
            webhooks_allow_plain_http: false,
        }
    }
}

/// What every handler reads, shared by all requests: a clone is one reference count. Every
/// request clones it several times (each middleware and the handler's `State`), and as a
/// struct of twenty-odd `Arc`s each clone and drop touched every one of their counts, shared
/// by both cores: 19% of /healthz's CPU and 3% of the finder's in the national interventions
/// bench (perf profile).
#[derive(Clone)]
pub struct AppState(Arc<AppStateInner>);

impl std::ops::Deref for AppState {
    type Target = AppStateInner;
    fn deref(&self) -> &AppStateInner {
        &self.0
    }
}

/// The fields of [`AppState`].
pub struct AppStateInner {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<WebConfig>,
    /// Life domains, scale and plan rhythm ("beyond the case"): the twin of the deployment's pack.
    pub beyond: Arc<BeyondPack>,
    /// The evidence pages' copy of the extract, shared by all requests of this server.
    extract: Arc<evidence::ExtractCache>,
    /// The ZSM board's rows as rendered per case version, shared by all requests.
    board_rows: Arc<zsm::BoardRows>,
    /// Request latencies by route, for `/metrics`.
    latencies: Arc<metrics::Latencies>,
    /// The bound on password checks, shared by all sign-ins of this server.
    password_checks: Arc<password::PasswordChecks>,
    /// Hashing, checking (within that bound) and making up passwords, for administration.
    passwords: password::SystemPasswords,
}

impl AppState {
    pub fn new(store: Store, clock: Arc<dyn Clock>, config: WebConfig) -> Self {
        webhooks::install_crypto_provider();
        let password_checks = password::PasswordChecks::new(config.password_checks);
        Self(Arc::new(AppStateInner {
            passwords: password::SystemPasswords { checks: Some(password_checks.clone()) },
            password_checks,
            store,
            clock,
            beyond: Arc::new(
                BeyondPack::shipped(&config.pack.code).expect("every shipped pack has a beyond-the-case twin (tested)"),
            ),
            config: Arc::new(config),
            extract: Arc::default(),
            board_rows: Arc::default(),
            latencies: Arc::default(),
        }))
    }

    /// How this server's password checks went: the most at once, buffers, sign-ins refused busy.
    pub fn password_check_stats(&self) -> PasswordCheckStats {
        self.password_checks.stats()
    }

    /// Loads the stored extract for the evidence pages ahead of their first view (a server
    /// starts this beside serving: a national extract takes seconds to read, which the first
    /// analyst would otherwise wait for; a request meanwhile waits for this load, never starts
    /// a second). A failure is logged and left to the first view to report.
    pub async fn warm_extract(&self) {
        let started = std::time::Instant::now();
        match self.evidence().extract().await {
            Ok(data) => tracing::info!(
                persons = data.person_count(),
                offences = data.offence_count(),
                secs = started.elapsed().as_secs_f64(),
                "evidence extract loaded"
            ),
            Err(error) => tracing::warn!(%error, "loading the evidence extract failed"),
        }
    }

    /// How many times this server loaded the extract from the store for the evidence pages.
    pub fn extract_loads(&self) -> u64 {
        self.extract.loads()
    }

    /// Whether the database answers, for `/healthz`: its kind and (applied, known) migrations.
    pub(crate) async fn database_status(&self) -> domain::ports::StoreResult<(&'static str, (usize, usize))> {
        Ok((self.store.backend(), self.store.migration_status().await?))
    }

    pub(crate) fn evidence(&self) -> evidence::Extracts<'_> {
        evidence::Extracts { store: &self.store, cache: &self.extract }
    }

    /// The operators' figures for `/metrics`.
    pub(crate) async fn operations(&self) -> domain::service::ServiceResult<domain::admin::service::OperationsFigures> {
        domain::admin::service::Operations { store: &self.store, clock: self.clock.as_ref() }.figures().await
    }

    pub(crate) fn administration(
        &self,
    ) -> domain::partnership::service::Administration<'_, Store, password::SystemPasswords> {
        domain::partnership::service::Administration {
            store: &self.store,
            clock: self.clock.as_ref(),
            passwords: &self.passwords,
        }
    }

    pub(crate) fn directory(&self) -> domain::directory::Directory<'_, Store> {
        domain::directory::Directory { store: &self.store }
    }

    pub(crate) fn sign_ins(&self) -> domain::directory::SignIns<'_, Store> {
        domain::directory::SignIns { store: &self.store, clock: self.clock.as_ref(), throttle: &self.config.throttle }
    }

    pub(crate) fn sessions(&self) -> domain::directory::Sessions<'_, Store> {
        domain::directory::Sessions { store: &self.store, clock: self.clock.as_ref() }
    }

    pub(crate) fn screenings(&self) -> domain::screening::service::Screenings<'_, Store> {
        domain::screening::service::Screenings {
            store: &self.store,
            clock: self.clock.as_ref(),
            time_zone: &self.config.time_zone,
            config: &self.beyond.screening,
        }
    }

    // Interventions (issue 19).
    /// Interventions dated in `zone`: that of the person concerned (`person_zone`) or, for a
    /// provider's or member's own lists, the member's (`member_zone`) — never simply the
    /// deployment's, so a London custody suite's referral is dated in London.
    pub(crate) fn interventions_in<'a>(
        &'a self,
        zone: &'a TimeZone,
    ) -> domain::interventions::service::Interventions<'a, Store> {
        domain::interventions::service::Interventions {
            store: &self.store,
            clock: self.clock.as_ref(),
            time_zone: zone,
            screening: &self.beyond.screening,
        }
    }

    pub(crate) fn webhooks(&self) -> domain::interventions::service::Webhooks<'_, Store> {
        domain::interventions::service::Webhooks {
            store: &self.store,
            clock: self.clock.as_ref(),
            allow_plain_http: self.config.webhooks_allow_plain_http,
        }
    }

    pub(crate) fn plans(&self) -> domain::plan::service::Plans<'_, Store> {
        domain::plan::service::Plans {
            store: &self.store,
            clock: self.clock.as_ref(),
            time_zone: &self.config.time_zone,
            pack: &self.beyond,
        }
    }

    pub(crate) fn cohort_notices(&self) -> domain::cohort::service::CohortNotices<'_, Store> {
        domain::cohort::service::CohortNotices {
            store: &self.store,
            clock: self.clock.as_ref(),
            time_zone: &self.config.time_zone,
        }
    }

    /// Manual cohort selections and deselections; the team's task says why in the
    /// deployment's language.
    pub(crate) fn cohort_decisions(&self) -> domain::cohort::service::CohortDecisions<'_, Store> {
        domain::cohort::service::CohortDecisions {
            store: &self.store,
            clock: self.clock.as_ref(),
            time_zone: &self.config.time_zone,
            lang: self.config.default_lang.pack(),
            rule_name: crate::i18n::cohort_name_in,
        }
    }

    /// What chooses the rules of `agency`'s members (its own pack, its locations'), in one
    /// read; kept in memory on PostgreSQL.
    pub(crate) async fn agency_pack_source(
        &self,
        agency: domain::ids::AgencyId,
    ) -> Result<domain::directory::AgencyPackSource, error::WebError> {
        use domain::directory::DirectoryStore;
        Ok(self.store.agency_pack_source(agency).await.map_err(domain::service::ServiceError::from)?)
    }

    /// The pack `agency` names for itself (a Safety House of another jurisdiction), if any.
    pub(crate) async fn agency_pack(
        &self,
        agency: domain::ids::AgencyId,
    ) -> Result<Option<&'static JurisdictionPack>, error::WebError> {
        own_pack(&self.agency_pack_source(agency).await?)
    }

    /// The partner agencies of `agency` when it is a Safety House (or IOM hub) that lists them.
    pub(crate) async fn safety_house_partners(
        &self,
        agency: domain::ids::AgencyId,
    ) -> Result<Option<Vec<domain::ids::AgencyId>>, error::WebError> {
        use domain::partnership::ports::PartnershipStore;
        let houses = self.store.safety_houses().await.map_err(domain::service::ServiceError::from)?;
        Ok(houses.into_iter().find(|h| h.agency.agency.id == agency && !h.agencies.is_empty()).map(|h| h.agencies))
    }

    /// The Safety House a request of `agency` goes to by default: of the Safety Houses (and IOM
    /// hubs) that take `agency` — those that list it among their partners, and those that list
    /// none — the only one.
    pub(crate) async fn requesters_safety_house(
        &self,
        agency: domain::ids::AgencyId,
        agencies: &[domain::directory::Agency],
    ) -> Result<Option<domain::ids::AgencyId>, error::WebError> {
        use domain::partnership::ports::PartnershipStore;
        let houses = self.store.safety_houses().await.map_err(domain::service::ServiceError::from)?;
        let takes = |house: domain::ids::AgencyId| {
            houses
                .iter()
                .find(|h| h.agency.agency.id == house)
                .is_none_or(|h| h.agencies.is_empty() || h.agencies.contains(&agency))
        };
        let open: Vec<_> = agencies
            .iter()
            .filter(|a| a.kind == domain::directory::AgencyKind::SafetyHouse && takes(a.id))
            .map(|a| a.id)
            .collect();
        Ok(match open.as_slice() {
            [only] => Some(*only),
            _ => None,
        })
    }

    /// The pack a member works under: their agency's own (a Safety House or IOM hub naming
    /// one), else the one pack of every location their agency sits at, else the deployment's.
    pub(crate) async fn member_pack(
        &self,
        actor: &domain::access::Actor,
    ) -> Result<&'static JurisdictionPack, error::WebError> {
        self.member_pack_of(&self.agency_pack_source(actor.agency_id).await?)
    }

    /// [`Self::member_pack`] from what chooses it.
    pub(crate) fn member_pack_of(
        &self,
        source: &domain::directory::AgencyPackSource,
    ) -> Result<&'static JurisdictionPack, error::WebError> {
        if let Some(own) = own_pack(source)? {
            return Ok(own);
        }
        let mut packs = source.locations.iter().map(|(pack, _)| pack.as_str());
        Ok(match packs.next() {
            Some(first) if packs.all(|code| code == first) => {
                domain::jurisdiction::shipped_pack(first).unwrap_or(self.config.pack)
            }
            _ => self.config.pack,
        })
    }

    /// `context` in the words of the pack the member's agency works under.
    pub(crate) async fn in_agency_pack(
        &self,
        context: &auth::RequestContext,
        actor: &domain::access::Actor,
    ) -> Result<auth::RequestContext, error::WebError> {
        Ok(match self.agency_pack(actor.agency_id).await? {
            Some(pack) => context.in_pack(pack),
            None => context.clone(),
        })
    }

    /// Triage and case conferences under the rules of the member's Safety House: its own pack
    /// when it names one (an IOM hub in a Dutch deployment), else the deployment's.
    pub(crate) async fn conferences_for(
        &self,
        actor: &domain::access::Actor,
    ) -> Result<domain::conference::service::Conferences<'_, Store>, error::WebError> {
        // The house's own pack also sets its day: an IOM hub in London plans "today" in London,
        // not in the deployment's zone (which may already be tomorrow).
        let own = self.agency_pack(actor.agency_id).await?;
        let pack: &BeyondPack = match own {
            Some(own) => BeyondPack::shipped_static(&own.code).map_err(|e| error::WebError::internal(e.to_string()))?,
            None => &self.beyond,
        };
        Ok(domain::conference::service::Conferences {
            store: &self.store,
            clock: self.clock.as_ref(),
            time_zone: own.map_or(&self.config.time_zone, |own| &own.time_zone),
            pack,
        })
    }

    pub(crate) fn measures(&self) -> domain::measures::service::Measures<'_, Store> {
        domain::measures::service::Measures {
            store: &self.store,
            clock: self.clock.as_ref(),
            time_zone: &self.config.time_zone,
            pack: &self.beyond,
        }
    }

    /// Funds dated in `zone`: the person's (`person_zone`) for their fund, the keeper's
    /// (`member_zone`) for the funds an agency holds.
    pub(crate) fn funds_in<'a>(&'a self, zone: &'a TimeZone) -> domain::funds::service::Funds<'a, Store> {
        domain::funds::service::Funds { store: &self.store, clock: self.clock.as_ref(), time_zone: zone }
    }

    pub(crate) fn mentoring(&self) -> domain::mentoring::service::Mentoring<'_, Store> {
        domain::mentoring::service::Mentoring {
            store: &self.store,
            clock: self.clock.as_ref(),
            time_zone: &self.config.time_zone,
        }
    }

    /// Mentoring with times shown and typed in `zone` (a coordinator's pack's).
    pub(crate) fn mentoring_in<'a>(&'a self, zone: &'a TimeZone) -> domain::mentoring::service::Mentoring<'a, Store> {
        domain::mentoring::service::Mentoring { store: &self.store, clock: self.clock.as_ref(), time_zone: zone }
    }

    /// A member's notifications, dated in the member's zone (`member_zone`).
    pub(crate) fn notifications_in<'a>(
        &'a self,
        zone: &'a TimeZone,
    ) -> domain::notifications::service::Notifications<'a, Store> {
        domain::notifications::service::Notifications {
            store: &self.store,
            clock: self.clock.as_ref(),
            time_zone: zone,
        }
    }

    pub(crate) fn zsm(&self) -> domain::zsm::service::Zsm<'_, Store> {
        domain::zsm::service::Zsm { store: &self.store, clock: self.clock.as_ref() }
    }

    pub(crate) fn subject_access(&self) -> domain::admin::service::SubjectAccess<'_, Store> {
        domain::admin::service::SubjectAccess {
            store: &self.store,
            clock: self.clock.as_ref(),
            time_zone: &self.config.time_zone,
        }
    }

    pub(crate) fn people(&self) -> domain::people::service::People<'_, Store> {
        domain::people::service::People {
            store: &self.store,
            clock: self.clock.as_ref(),
            time_zone: &self.config.time_zone,
        }
    }
}

/// The whole application. Layers run outside-in: request id, trace, timeout, session,
/// language, CSRF, error pages, the text limits.
pub fn app(state: AppState) -> Router {
    use axum::middleware::from_fn_with_state;
    let timeout = state.config.request_timeout;
    Router::new()
        .merge(people::routes())
        .merge(zsm::routes())
        .merge(screening::routes())
        .merge(plan::routes())
        .merge(conference::routes())
        .merge(measures::routes())
        .merge(evidence::routes())
        .merge(notifications::routes())
        .merge(interventions::routes())
        .merge(funds::routes())
        .merge(mentoring::routes())
        .merge(metrics::routes())
        .merge(sessions::routes())
        .merge(account::routes())
        .merge(admin::routes())
        .merge(auth::routes())
        .merge(assets::routes())
        .nest("/api", api::routes())
        .layer(from_fn_with_state(state.clone(), limits::check_text))
        .route_layer(from_fn_with_state(state.clone(), metrics::time_requests))
        .layer(from_fn_with_state(state.clone(), error::render_error_pages))
        .layer(from_fn_with_state(state.clone(), csrf::verify))
        .layer(from_fn_with_state(state.clone(), auth::load_session))
        .layer(axum::extract::DefaultBodyLimit::max(256 * 1024))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(axum::middleware::from_fn(headers::security_headers))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// The pack an agency names for itself, if any.
pub(crate) fn own_pack(
    source: &domain::directory::AgencyPackSource,
) -> Result<Option<&'static JurisdictionPack>, error::WebError> {
    source
        .own
        .as_deref()
        .map(|code| domain::jurisdiction::shipped_pack(code).map_err(|e| error::WebError::internal(e.to_string())))
        .transpose()
}
