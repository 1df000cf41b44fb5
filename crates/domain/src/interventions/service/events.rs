//! A referral's effects as outbox events, told to both sides. The detail keys follow the
//! outbox contract the "what works" evaluation reads: `intervention`, `intervention_name`,
//! `provider`, `kind`, and for an end `outcome` ("completed" | "ended_early").

use crate::ids::MemberId;
use crate::interventions::{Referral, ReferralEffect};
use crate::notifications::{Audience, Event, EventKind, Subject, SubjectKind};
use jiff::Timestamp;

pub fn referral_events(referral: &Referral, effects: &[ReferralEffect], by: MemberId, at: Timestamp) -> Vec<Event> {
    let subject = Subject::new(SubjectKind::Referral, referral.id.0);
    let both = Audience::agencies([referral.referrer_agency, referral.provider]);
    let base = |kind: EventKind, audience: Audience, on: Option<jiff::civil::Date>| {
        // The event's `at` is when the fact happened: the start or end date for those. A fact
        // recorded on its own day keeps the moment it was recorded, so the notice shows a real
        // time and sorts among the day's others instead of at midnight.
        let recorded_on = at.to_zoned(jiff::tz::TimeZone::UTC).date();
        let at = match on {
            Some(day) if day != recorded_on => day.to_zoned(jiff::tz::TimeZone::UTC).map_or(at, |z| z.timestamp()),
            _ => at,
        };
        Event::new(kind, at, subject, audience)
            .about(referral.person)
            .by(by)
            .with("intervention", referral.intervention)
            .with("intervention_name", &referral.intervention_name)
            .with("provider", referral.provider)
            .with("kind", referral.kind.code())
    };
    effects
        .iter()
        .map(|effect| match effect {
            ReferralEffect::Changed { action, status } => base(EventKind::ReferralChanged, both.clone(), None)
                .with("action", action)
                .with("status", status.code()),
            ReferralEffect::Started { on } => base(EventKind::ReferralStarted, both.clone(), Some(*on)),
            ReferralEffect::Ended { on, completed } => base(EventKind::ReferralCompleted, both.clone(), Some(*on))
                .with("outcome", if *completed { "completed" } else { "ended_early" }),
            ReferralEffect::ConcernRaised { text } => base(
                EventKind::ReferralConcern,
                Audience::agency(referral.referrer_agency).with_member(Some(referral.referrer)),
                None,
            )
            .with("concern", text),
        })
        .collect()
}
