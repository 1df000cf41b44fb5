//! Referrals from the ZSM table: the "to screen" work list, and the box on a person's screening
//! pages that says what the table found and starts the screening from it.

use super::views::pack_lang;
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::i18n::Texts;
use crate::page::{Page, ok};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::jurisdiction::{BeyondPack, LIFE_DOMAINS, ScreeningConfig};
use domain::screening::{ADVICE, ScreeningReferral};
use jiff::tz::TimeZone;
use serde::Deserialize;
use std::collections::BTreeMap;

/// ZSM location codes and the names people know them by.
pub type LocationNames = BTreeMap<String, String>;

/// The names of the ZSM locations, by code, for showing where a referral came from.
pub async fn location_names(state: &AppState) -> Result<LocationNames, WebError> {
    Ok(state.zsm().locations().await?.into_iter().map(|l| (l.code, l.name)).collect())
}

/// Each ZSM location's screening rules and time zone, by code: a referral on a list of many
/// persons is shown under the rules of the table it came from (a custody suite's under the
/// resettlement pathways, in London time), not the deployment's.
pub type LocationRules = BTreeMap<String, (&'static ScreeningConfig, TimeZone)>;

pub async fn location_rules(state: &AppState) -> Result<LocationRules, WebError> {
    let mut rules = LocationRules::new();
    for location in state.zsm().locations().await? {
        let pack = location.pack().map_err(|e| WebError::internal(e.to_string()))?;
        let beyond = BeyondPack::shipped_static(&pack.code).map_err(|e| WebError::internal(e.to_string()))?;
        rules.insert(location.code, (&beyond.screening, pack.time_zone.clone()));
    }
    Ok(rules)
}

/// A referral as shown to the screener.
pub struct ReferralView {
    /// The ZSM location's name (its code only when the location is gone).
    pub location: String,
    pub date: String,
    pub reason: String,
    pub advice: Option<String>,
    /// (signal, the life domain it prefills or "", note)
    pub signals: Vec<(String, String, String)>,
}

pub fn referral_view(
    referral: &ScreeningReferral,
    config: &ScreeningConfig,
    (zone, locations): (&TimeZone, &LocationNames),
    t: Texts,
) -> ReferralView {
    let lang = pack_lang(t);
    ReferralView {
        location: locations.get(&referral.location).cloned().unwrap_or_else(|| referral.location.clone()),
        date: referral.referred_at.to_zoned(zone.clone()).strftime("%Y-%m-%d %H:%M").to_string(),
        reason: t.get(&format!("screening.referral.reason.{}", referral.reason.as_str())).to_string(),
        advice: referral.advice.and_then(|advice| {
            ADVICE.iter().find(|(a, _)| *a == advice).map(|(_, code)| t.get(&format!("zsm.advice.{code}")).to_string())
        }),
        signals: referral
            .signals
            .iter()
            .map(|signal| {
                let code = LIFE_DOMAINS.iter().find(|(d, _)| *d == signal.domain).map_or("other", |(_, c)| *c);
                let lands_on = config
                    .domain_for_signal(signal.domain)
                    .and_then(|key| config.domain(key.as_str()))
                    .map(|domain| domain.label.get(lang).to_string())
                    .unwrap_or_default();
                (t.get(&format!("zsm.domain.{code}")).to_string(), lands_on, signal.note.clone())
            })
            .collect(),
    }
}

/// One person on the list: their referrals (one per case and reason) and the signals of all.
pub struct WaitingLine {
    pub person_id: String,
    pub person_name: String,
    pub referrals: Vec<ReferralView>,
    /// Each signal once, whichever referral raised it.
    pub signals: Vec<String>,
}

#[derive(Template)]
#[template(path = "screening_waiting.html")]
struct WaitingPage {
    page: Page,
    lines: Vec<WaitingLine>,
    /// "12 people waiting; 3 match "vries". Page 1 of 1."
    count: String,
    search: String,
    previous: Option<String>,
    next: Option<String>,
}

/// `?q=words&page=N` of the list.
#[derive(Deserialize)]
pub struct WaitingQuery {
    #[serde(default)]
    q: String,
    /// Read as text so that a wrong number gets our own message, not the framework's.
    page: Option<String>,
}

/// `GET /screenings/waiting`: persons referred by the ZSM table whom nobody has screened yet,
/// the most urgent first, searchable by name and paged.
pub async fn waiting(
    State(state): State<AppState>,
    Member(me, context): Member,
    Query(query): Query<WaitingQuery>,
) -> Result<Response, WebError> {
    let page = match query.page.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|&n| n >= 1)
            .ok_or_else(|| WebError::BadRequest(format!("page must be a whole number from 1, not {text:?}")))?,
    };
    let search = query.q.trim().to_string();
    let list = state.screenings().waiting(&me.actor, &search, page).await?;
    let locations = location_names(&state).await?;
    let rules = location_rules(&state).await?;
    let t = context.texts;
    let rules_of = |location: &str| match rules.get(location) {
        Some((config, zone)) => (*config, zone),
        None => (&state.beyond.screening, &state.config.time_zone),
    };
    let lines = list
        .persons
        .iter()
        .map(|line| {
            let referrals: Vec<ReferralView> = line
                .referrals
                .iter()
                .map(|r| {
                    let (config, zone) = rules_of(&r.location);
                    referral_view(r, config, (zone, &locations), t)
                })
                .collect();
            let mut signals: Vec<String> = Vec::new();
            for signal in referrals.iter().flat_map(|r| r.signals.iter().map(|s| s.0.clone())) {
                if !signals.contains(&signal) {
                    signals.push(signal);
                }
            }
            WaitingLine { person_id: line.person.to_string(), person_name: line.name.clone(), referrals, signals }
        })
        .collect();
    let number = |n: usize| t.number(i64::try_from(n).unwrap_or(i64::MAX));
    let (total, matched, at, pages) = (number(list.total), number(list.matched), number(list.page), number(list.pages));
    let count = if search.is_empty() {
        t.fill("screening.waiting.count", &[("total", &total), ("page", &at), ("pages", &pages)])
    } else {
        t.fill(
            "screening.waiting.count_search",
            &[("total", &total), ("matched", &matched), ("search", &search), ("page", &at), ("pages", &pages)],
        )
    };
    let link = |n: usize| {
        let mut link = format!("/screenings/waiting?page={n}");
        if !search.is_empty() {
            link.push_str("&q=");
            link.push_str(&url_encode(&search));
        }
        link
    };
    let previous = (list.page > 1).then(|| link(list.page - 1));
    let next = (list.page < list.pages).then(|| link(list.page + 1));
    ok(&WaitingPage {
        page: Page::new(&context, t.get("screening.waiting.title")),
        lines,
        count,
        search,
        previous,
        next,
    })
}

/// Percent-encodes a query value (letters, digits and `-_.~` stay).
fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
