//! What waits for the Safety House and probation today, and what was dealt with long ago.
//!
//! - Referrals for a screening from the ZSM table are answered the way probation works:
//!   screened within days. Only the last week's referrals are still to screen, so the list
//!   shows today's work, not two years of history (the what-works cases and the settled
//!   cases of the last weeks referred hundreds of people).
//! - The process manager's triage: requests the complex-case rules of the pack proposed
//!   (several problem domains plus the flags, or a serious area-bound safety problem), a
//!   partner's request for a prolific offender, one carried over from the last triage day,
//!   and one accepted that still waits for a meeting.

use super::{Seeder, days, person_input, zone};
use crate::demo::directory::DemoCast;
use domain::conference::{ProposalInput, RequestInput, TriageInput};
use domain::ids::PersonId;
use domain::screening::ports::ScreeningStore;
use jiff::Timestamp;
use std::collections::BTreeMap;
use store::Store;

/// Referrals younger than this are still to screen; older ones were screened long since.
const STILL_TO_SCREEN_DAYS: i64 = 7;

/// Probation screens every person referred more than a week before `end`, a few days after
/// the (last) referral. Returns how many were screened.
pub async fn screen_past_referrals(store: &Store, cast: &DemoCast, end: Timestamp) -> anyhow::Result<usize> {
    let pack = crate::demo::demo_beyond_pack();
    let seeder = Seeder::new(store, cast, &pack, end);
    let probation = seeder.actor("reclassering").agency_id;
    let today = end.to_zoned(zone()).date();
    let cutoff = end.checked_sub(days(STILL_TO_SCREEN_DAYS))?;
    let waiting = store.waiting_referrals(probation, today, u32::MAX).await?;
    // Each person's latest referral before the cut-off: one screening answers all of them.
    let mut latest: BTreeMap<PersonId, Timestamp> = BTreeMap::new();
    for referral in waiting.iter().filter(|r| r.referred_at < cutoff) {
        let at = latest.entry(referral.person).or_insert(referral.referred_at);
        *at = (*at).max(referral.referred_at);
    }
    // A person referred again this week keeps that referral open: screened before it.
    let recent: Vec<PersonId> = waiting.iter().filter(|r| r.referred_at >= cutoff).map(|r| r.person).collect();
    let mut screened = 0;
    for (n, (person, referred_at)) in latest.into_iter().enumerate() {
        if recent.contains(&person) {
            continue;
        }
        let at = referred_at.checked_add(days(2 + (n % 5) as i64))?.min(cutoff);
        seeder.set(at);
        let scores: [&[u8]; 3] = [&[3, 4, 2, 4, 5, 3], &[2, 3, 3, 4, 4, 2], &[4, 4, 3, 5, 4, 3]];
        seeder.screen(person, scores[n % 3], 0, "Quickscan ZSM nagelopen met betrokkene").await?;
        screened += 1;
    }
    Ok(screened)
}

/// Requests on the process manager's triage list today. Returns how many.
pub async fn seed_triage(store: &Store, cast: &DemoCast, end: Timestamp) -> anyhow::Result<usize> {
    let pack = crate::demo::demo_beyond_pack();
    let seeder = Seeder::new(store, cast, &pack, end);
    let conferences = || seeder.conferences();
    let err = |what: &'static str| move |e: domain::service::ServiceError| anyhow::anyhow!("{what}: {e}");
    let mut filed = 0;
    // Proposed by the rules: many domains in trouble, nuisance, care and enforcement, family.
    for (n, hours_ago) in [(300, 3), (301, 26)] {
        seeder.set(end.checked_sub(jiff::SignedDuration::from_hours(hours_ago))?);
        let person = seeder.person(person_input(n, 1979 + (n % 20) as i16)).await?;
        seeder.screen(person, &[1, 2, 2, 3, 1, 2], 0, "Schulden, geen vaste woonplek en drankgebruik").await?;
        let proposal = ProposalInput {
            goal: "Eén plan waarin hulp bij schulden en wonen en toezicht samengaan".into(),
            flags: vec![
                "problems_lead_to_crime_or_nuisance".into(),
                "care_and_enforcement_needed".into(),
                "impact_on_family_or_surroundings".into(),
            ],
        };
        conferences().propose(seeder.actor("reclassering"), person, &proposal).await.map_err(err("proposal"))?;
        filed += 1;
    }
    // A serious area-bound safety problem: one flag is enough under the pack's second rule.
    seeder.set(end.checked_sub(jiff::SignedDuration::from_hours(5))?);
    let person = seeder.person(person_input(302, 1996)).await?;
    seeder.screen(person, &[3, 3, 2, 4, 3, 3], 0, "Hangt rond het station; intimideert reizigers").await?;
    let proposal = ProposalInput {
        goal: "Overlast rond het station stoppen met een gebiedsaanpak".into(),
        flags: vec!["serious_area_bound_safety_problem".into()],
    };
    conferences().propose(seeder.actor("politie"), person, &proposal).await.map_err(err("proposal"))?;
    filed += 1;
    // A police request for a prolific offender, naming the Safety House; carried over from
    // the last triage day before today (filed that morning, in time, and not yet triaged),
    // whatever the weekday the demo starts on.
    seeder.set(carried_over_filing(&seeder.pack.triage_calendar, end)?);
    let person = seeder.person(person_input(303, 1988)).await?;
    seeder.screen(person, &[2, 2, 3, 2, 4, 3], 0, "Veelpleger: dertien winkeldiefstallen dit jaar").await?;
    let request = RequestInput {
        reason: "Zeer actieve veelpleger: dertien winkeldiefstallen dit jaar, straf alleen helpt niet".into(),
        goal: "Afspraken over toezicht, dagbesteding en schulden".into(),
        invited: vec![seeder.agency_of("procesregisseur"), seeder.agency_of("reclassering")],
    };
    conferences().request(seeder.actor("politie"), person, &request).await.map_err(err("request"))?;
    filed += 1;
    // Accepted yesterday, waiting for a meeting with room on its agenda.
    seeder.set(end.checked_sub(days(1))?);
    let person = seeder.person(person_input(304, 1991)).await?;
    seeder.screen(person, &[1, 2, 2, 2, 3, 1], 0, "Huiselijk geweld en verslaving; kinderen in beeld").await?;
    let request = RequestInput {
        reason: "Geweld thuis en verslaving; zorg en strafrecht lopen langs elkaar".into(),
        goal: "Eén plan met veiligheid voor de kinderen voorop".into(),
        invited: vec![seeder.agency_of("procesregisseur"), seeder.agency_of("ggz")],
    };
    let accepted =
        conferences().request(seeder.actor("reclassering"), person, &request).await.map_err(err("request"))?;
    seeder.set(end.checked_sub(jiff::SignedDuration::from_hours(20))?);
    conferences()
        .triage(seeder.actor("procesregisseur"), accepted.id, &TriageInput::Accept)
        .await
        .map_err(err("triage"))?;
    filed += 1;
    Ok(filed)
}

/// When to file a request so that it waits, carried over, from the last triage day before
/// `end`'s day: three hours before that day's cut-off.
fn carried_over_filing(calendar: &domain::jurisdiction::TriageCalendar, end: Timestamp) -> anyhow::Result<Timestamp> {
    let today = end.to_zoned(zone()).date();
    let mut last = calendar.next_triage_after(today.checked_sub(jiff::ToSpan::days(8))?);
    loop {
        let next = calendar.next_triage_after(last);
        if next >= today {
            break;
        }
        last = next;
    }
    Ok(calendar.deadline_for(last).checked_sub(jiff::SignedDuration::from_hours(3))?)
}
