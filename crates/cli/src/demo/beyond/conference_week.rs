//! The Safety House's week of case conferences around today.

use super::{Seeder, at_day, person_input, zone};
use domain::conference::{MeetingInput, MinutesInput, RequestInput, TriageInput};
use jiff::Timestamp;
use jiff::civil::Weekday;

/// The Safety House week: a case conference every weekday around today; the days before today
/// are held and closed (their decisions now tasks on the plans), today's and later ones have their agenda.
pub(super) async fn seed_conference_week(seeder: &Seeder<'_>, end: Timestamp) -> anyhow::Result<usize> {
    let today = end.to_zoned(zone()).date();
    let invited = vec![
        seeder.agency_of("procesregisseur"),
        seeder.agency_of("reclassering"),
        seeder.agency_of("politie"),
        seeder.agency_of("gemeente"),
        seeder.agency_of("ggz"),
    ];
    let mut meetings = 0;
    let mut subject = 100;
    // A week around today: the days before it are held, today and later are still to come.
    for offset in -4..=2i64 {
        let date = today.checked_add(jiff::Span::new().days(offset)).unwrap_or(today);
        if date.weekday() == Weekday::Saturday || date.weekday() == Weekday::Sunday {
            continue;
        }
        // Requests come in the week before; the meeting is planned on its day at the latest.
        seeder.set(at_day(date.checked_sub(jiff::Span::new().days(7)).unwrap_or(date)));
        let mut people = Vec::new();
        for _ in 0..3 {
            subject += 1;
            let person = seeder.person(person_input(subject, 1980 + (subject % 25) as i16)).await?;
            seeder.screen(person, &[1, 2, 2, 1, 3, 2], 0, "Meerdere domeinen tegelijk in de knel").await?;
            let request = RequestInput {
                reason: "Overlast in de wijk, schulden en verslaving; zorg en straf lopen langs elkaar".into(),
                goal: "Eén plan met zorg en drang".into(),
                invited: invited.clone(),
            };
            let filed = seeder
                .conferences()
                .request(seeder.actor("reclassering"), person, &request)
                .await
                .map_err(|e| anyhow::anyhow!("conference request: {e}"))?;
            seeder
                .conferences()
                .triage(seeder.actor("procesregisseur"), filed.id, &TriageInput::Accept)
                .await
                .map_err(|e| anyhow::anyhow!("triage: {e}"))?;
            people.push((person, filed.id));
        }
        seeder.set(at_day(date.min(today)).min(end));
        let chair = seeder.actor("procesregisseur");
        let meeting = seeder
            .conferences()
            .plan_meeting(
                chair,
                &MeetingInput {
                    date: date.to_string(),
                    location: "ZVH Amsterdam, zaal 2".into(),
                    invited: invited.clone(),
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("meeting: {e}"))?;
        meetings += 1;
        for (_, request) in &people {
            seeder
                .conferences()
                .add_to_agenda(chair, meeting.id, *request)
                .await
                .map_err(|e| anyhow::anyhow!("agenda: {e}"))?;
        }
        if date >= today {
            continue;
        }
        let present: Vec<String> = ["procesregisseur", "reclassering", "politie", "gemeente"]
            .iter()
            .map(|u| seeder.actor(u).member_id.to_string())
            .collect();
        seeder
            .conferences()
            .record_attendance(chair, meeting.id, &present)
            .await
            .map_err(|e| anyhow::anyhow!("attendance: {e}"))?;
        for (k, (person, _)) in people.iter().enumerate() {
            let minutes = MinutesInput {
                analysis: "Schulden en drankgebruik houden elkaar in stand; overlast neemt toe".into(),
                strategy: ["both", "care", "enforcement"][k % 3].into(),
                note: String::new(),
                restricted_to: Vec::new(),
                decisions: vec![domain::conference::DecisionInput {
                    description: "Huisbezoek samen met wijkagent".into(),
                    kind: "care".into(),
                    owner: seeder.agency_of("reclassering"),
                    due: date.checked_add(jiff::Span::new().days(14)).unwrap_or(date).to_string(),
                }],
            };
            seeder
                .conferences()
                .record_minutes(chair, meeting.id, *person, &minutes)
                .await
                .map_err(|e| anyhow::anyhow!("minutes: {e}"))?;
        }
        seeder.conferences().close(chair, meeting.id).await.map_err(|e| anyhow::anyhow!("close: {e}"))?;
    }
    Ok(meetings)
}
