//! Referrals from the ZSM table: the "to screen" work list, and the box on a person's screening
//! pages that says what the table found and starts the screening from it.

use super::views::pack_lang;
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::i18n::Texts;
use crate::page::{Page, ok};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::jurisdiction::{LIFE_DOMAINS, ScreeningConfig};
use domain::screening::{ADVICE, ScreeningReferral};
use jiff::tz::TimeZone;

/// A referral as shown to the screener.
pub struct ReferralView {
    pub person_id: String,
    pub person_name: String,
    pub location: String,
    pub date: String,
    pub reason: String,
    pub advice: Option<String>,
    /// (signal, the life domain it prefills or "", note)
    pub signals: Vec<(String, String, String)>,
}

pub fn referral_view(
    referral: &ScreeningReferral,
    person_name: String,
    config: &ScreeningConfig,
    zone: &TimeZone,
    t: Texts,
) -> ReferralView {
    let lang = pack_lang(t);
    ReferralView {
        person_id: referral.person.to_string(),
        person_name,
        location: referral.location.clone(),
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

#[derive(Template)]
#[template(path = "screening_waiting.html")]
struct WaitingPage {
    page: Page,
    referrals: Vec<ReferralView>,
}

/// `GET /screenings/waiting`: persons referred by the ZSM table whom nobody has screened yet.
pub async fn waiting(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    let waiting = state.screenings().waiting(&me.actor).await?;
    let (config, zone, t) = (&state.beyond.screening, &state.config.time_zone, context.texts);
    let page = WaitingPage {
        page: Page::new(&context, t.get("screening.waiting.title")),
        referrals: waiting.iter().map(|(r, name)| referral_view(r, name.clone(), config, zone, t)).collect(),
    };
    ok(&page)
}
