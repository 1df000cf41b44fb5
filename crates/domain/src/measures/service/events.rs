//! The measures' effects as outbox events: an episode's case manager (and their agency) is
//! told they have it; a help task of an exclusion order goes to its owner; an order that ends
//! is told to the teams of the excluded person and of each victim.

use crate::ids::{AgencyId, MemberId, PersonId};
use crate::measures::{Episode, EpisodeEffect, EpisodeStatus, ExclusionEffect, ExclusionOrder};
use crate::notifications::{Audience, Event, EventKind, Subject, SubjectKind};
use jiff::Timestamp;
use std::collections::{BTreeMap, BTreeSet};

/// The events of an episode's effects (`episode` as it is after them); `agency_of` names the
/// agency of a case manager.
pub(super) fn episode_events(
    episode: &Episode,
    effects: &[EpisodeEffect],
    agency_of: impl Fn(MemberId) -> Option<AgencyId>,
    by: MemberId,
    at: Timestamp,
) -> Vec<Event> {
    let subject = Subject::new(SubjectKind::Episode, episode.id.0);
    effects
        .iter()
        .filter_map(|effect| match effect {
            EpisodeEffect::NotifyCaseManager { member, .. } => {
                let audience = Audience::agency(agency_of(*member)?).with_member(Some(*member));
                Some(Event::new(EventKind::EpisodeAssigned, at, subject, audience).about(episode.person).by(by))
            }
            EpisodeEffect::EpisodeEnded { person, .. } => {
                let manager = episode.case_manager;
                let audience = Audience::agency(agency_of(manager)?).with_member(Some(manager));
                let reason = match &episode.status {
                    EpisodeStatus::Closed { reason, .. } => reason.as_str(),
                    EpisodeStatus::Open => "",
                };
                Some(
                    Event::new(EventKind::EpisodeEnded, at, subject, audience)
                        .about(*person)
                        .by(by)
                        .with("reason", reason),
                )
            }
        })
        .collect()
}

/// The events of an exclusion order's effects (`order` as it is after them). `teams` holds the
/// agencies on the team today of the excluded person and each victim; `help_due` is the day the
/// help must have started.
pub(super) fn order_events(
    order: &ExclusionOrder,
    effects: &[ExclusionEffect],
    teams: &BTreeMap<PersonId, BTreeSet<AgencyId>>,
    help_due: jiff::civil::Date,
    by: MemberId,
    at: Timestamp,
) -> Vec<Event> {
    let subject = Subject::new(SubjectKind::ExclusionOrder, order.id.0);
    let mut events = Vec::new();
    for effect in effects {
        match effect {
            ExclusionEffect::HelpTaskAssigned { task, owner, .. } => {
                let Some(task) = order.help_tasks.iter().find(|t| t.id == *task) else { continue };
                events.push(
                    Event::new(EventKind::ExclusionHelpAssigned, at, subject, Audience::agency(*owner))
                        .about(task.for_person)
                        .by(by)
                        .with("task", &task.description)
                        .with("due", help_due),
                );
            }
            ExclusionEffect::NotifyEnded { excluded, victims, .. } => {
                for person in std::iter::once(excluded).chain(victims) {
                    let team = teams.get(person).cloned().unwrap_or_default();
                    events.push(
                        Event::new(EventKind::ExclusionEnded, at, subject, Audience::agencies(team))
                            .about(*person)
                            .by(by),
                    );
                }
            }
        }
    }
    events
}
