//! Help after the ZSM table, for the public value report's "arrest to the start of help".

use super::{Seeder, days, statute};
use crate::demo::directory::DemoCast;
use domain::ids::PersonId;
use domain::plan::service::PlanAction;
use jiff::Timestamp;
use store::Store;

/// From the ZSM table to help (the public value report's "arrest to the start of help"): of
/// the suspects settled at ZSM Utrecht in the last weeks, every sixth is screened by probation
/// within days, and every eighth is taken on by the Safety House (its plan activated and a
/// first task started a few days after the arrest, some done since).
pub async fn seed_help_after_the_table(store: &Store, cast: &DemoCast, end: Timestamp) -> anyhow::Result<usize> {
    let pack = crate::demo::demo_beyond_pack();
    let seeder = Seeder::new(store, cast, &pack, end);
    let mut cases = store.cases_decided_between(end.checked_sub(days(70))?, end).await?;
    cases.retain(|c| c.location == crate::demo::zsm::DEMO_LOCATION);
    cases.sort_by_key(|c| c.arrested_at);
    let house =
        statute(&seeder.agency_of("procesregisseur"), "Convenant Zorg- en Veiligheidshuis", "Na ZSM: complexe casus");
    let mut helped = 0;
    for (k, case) in cases.iter().enumerate() {
        let person = PersonId::from_uuid(case.person);
        let after = |d: i64| case.arrested_at.checked_add(days(d)).unwrap_or(end);
        if k % 6 == 0 {
            seeder.set(after(1 + (k % 3) as i64));
            seeder.screen(person, &[2, 3, 4, 2, 3], 0, "Signalen uit de ZSM-quickscan").await?;
        }
        if k % 8 != 0 || after(2) >= end {
            continue;
        }
        seeder.set(after(1));
        seeder
            .people()
            .add_to_team(seeder.actor("reclassering"), person, &house)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        // Goals whose tasks probation owns: probation sits at the table, so is on the team.
        seeder.plan(person, &[3, 5], 14).await?;
        seeder.change("procesregisseur", person, PlanAction::Activate).await?;
        let activated = after(1);
        let tasks = seeder.tasks(person).await;
        seeder.set(after(2 + (k % 12) as i64));
        if let Some(first) = tasks.first() {
            seeder.task_status(person, first, "in_progress").await?;
            if k % 16 == 0 {
                seeder.set(after(10 + (k % 5) as i64));
                seeder.task_status(person, first, "done").await?;
            }
        }
        // Reviewed weekly after the first fortnight's work.
        seeder.weekly_reviews(person, k, activated, after(15), end).await?;
        helped += 1;
    }
    Ok(helped)
}
