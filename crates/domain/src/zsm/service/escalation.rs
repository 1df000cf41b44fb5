//! Clocks near their legal limit are told to the table: the police and the prosecution of the
//! location hear of every running clock within the pack's warning window, and of one that ran
//! out — once per clock, deadline and level, however often the check runs and on however many
//! servers (the outbox records each under its own key).

use crate::notifications::{Audience, Event, EventKind, OutboxWriter, Subject, SubjectKind};
use crate::zsm::service::*;
use crate::zsm::workflow::clock::{WarningLevel, warning_level};
use std::collections::BTreeSet;

impl<S: ZsmStore + PeopleStore + AuditLog + DirectoryStore + OutboxWriter> Zsm<'_, S> {
    /// Tells each location's police and prosecution of the clocks that came within a warning
    /// threshold or ran out since the last check; returns how many events were new.
    pub async fn escalate_clocks(&self) -> ServiceResult<usize> {
        let now = self.now();
        let agencies = self.store.agencies().await?;
        let mut events = Vec::new();
        for location in self.store.locations().await? {
            let pack = location.pack().map_err(ZsmError::from)?;
            let told: BTreeSet<AgencyId> = agencies
                .iter()
                .filter(|a| location.agencies.contains(&a.id))
                .filter(|a| matches!(a.kind, AgencyKind::Police | AgencyKind::Prosecution))
                .map(|a| a.id)
                .collect();
            if told.is_empty() {
                continue;
            }
            let widest = pack.clocks.iter().flat_map(|c| pack.thresholds_for(c)).max().unwrap_or(SignedDuration::ZERO);
            for case in self.store.open_cases_due_by(&location.code, now + widest).await? {
                events.extend(clock_escalations(&case.stored, pack, &told, now));
            }
        }
        Ok(self.store.record_events(&events).await?)
    }
}

/// The escalations of a case's clocks at `now`: one event per clock within a warning threshold
/// or past its deadline, keyed so the same clock, deadline and level is recorded once.
pub fn clock_escalations(
    stored: &StoredCase,
    pack: &JurisdictionPack,
    told: &BTreeSet<AgencyId>,
    now: Timestamp,
) -> Vec<Event> {
    let subject = Subject::new(SubjectKind::ZsmCase, stored.id().as_uuid());
    stored
        .clocks
        .iter()
        .filter_map(|run| {
            let definition = pack.clock(&run.clock).ok()?;
            let (level, state, left) = match warning_level(run, &pack.thresholds_for(definition), now) {
                WarningLevel::None => return None,
                WarningLevel::Near { level, remaining } => (level.to_string(), "near", span(remaining)),
                WarningLevel::Overdue { by } => ("overdue".to_string(), "overdue", span(by)),
            };
            let deadline = run.deadline.to_zoned(pack.time_zone.clone()).strftime("%Y-%m-%d %H:%M").to_string();
            let key = format!("zsm.clock.escalated/{}/{}/{}/{level}", stored.id(), run.clock, run.deadline);
            Some(
                Event::new(EventKind::ZsmClockEscalated, now, subject, Audience::agencies(told.iter().copied()))
                    .about(stored.suspect())
                    .with("clock.nl", &definition.name_nl)
                    .with("clock.en", &definition.name_en)
                    .with("clock.it", &definition.name_it)
                    .with("deadline", deadline)
                    .with("left", left)
                    .with("state", state)
                    .once(key),
            )
        })
        .collect()
}

/// A span as hours and minutes, e.g. `1 h 05 min`.
fn span(duration: SignedDuration) -> String {
    let minutes = duration.as_secs().unsigned_abs() / 60;
    format!("{} h {:02} min", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_as_hours_and_minutes() {
        assert_eq!(span(SignedDuration::from_mins(125)), "2 h 05 min");
        assert_eq!(span(SignedDuration::from_mins(-30)), "0 h 30 min");
    }
}
