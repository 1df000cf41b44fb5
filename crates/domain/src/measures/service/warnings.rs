//! What the measures show: everything on one person's measures page, and the warnings that
//! appear on the person's plan and on the weekly review (exclusion orders and area bans about
//! to end, extension advice and help that are due, episodes behind their intensity or past
//! their time box).

use crate::access::{Actor, Denial, Permission, TeamEntry, authorise};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::directory::DirectoryStore;
use crate::ids::{AreaBanId, EpisodeId, ExclusionOrderId, PersonId};
use crate::measures::ports::{Measure, MeasureStore, Stored};
use crate::measures::service::Measures;
use crate::measures::{
    AreaBan, AreaBanWarning, Episode, EpisodeFlags, ExclusionOrder, ExclusionWarning, Group, MeasureProposal,
};
use crate::people::Person;
use crate::people::ports::PeopleStore;
use crate::service::{ServiceError, ServiceResult};
use jiff::Timestamp;
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeasureWarning {
    Exclusion { order: ExclusionOrderId, warning: ExclusionWarning },
    AreaBan { ban: AreaBanId, area: String, warning: AreaBanWarning },
    Episode { episode: EpisodeId, flags: EpisodeFlags },
}

/// Everything the person's measures page shows.
#[derive(Debug, Clone)]
pub struct PersonMeasures {
    pub person: Person,
    pub team: Vec<TeamEntry>,
    pub orders: Vec<Stored<ExclusionOrder>>,
    pub bans: Vec<Stored<AreaBan>>,
    pub episodes: Vec<Stored<Episode>>,
    /// Groups the person is a current member of.
    pub groups: Vec<Stored<Group>>,
    /// Proposals of the mayor's measures about the person, oldest first.
    pub proposals: Vec<Stored<MeasureProposal>>,
    /// Names of the other people on the orders whom the actor's agency may see (each read is
    /// audited); the rest are shown without a name.
    pub names: BTreeMap<PersonId, String>,
    pub warnings: Vec<MeasureWarning>,
}

/// The measures shown on the person's plan page.
#[derive(Debug, Clone)]
pub struct PlanMeasures {
    pub orders: Vec<Stored<ExclusionOrder>>,
    pub bans: Vec<Stored<AreaBan>>,
    pub episodes: Vec<Stored<Episode>>,
    pub warnings: Vec<MeasureWarning>,
}

/// A warning on the weekly review, with the person's name.
#[derive(Debug, Clone)]
pub struct WarningLine {
    pub person: PersonId,
    pub name: String,
    pub warning: MeasureWarning,
}

/// The warnings the measures raise at `now` (and `today`, in the jurisdiction's zone).
pub fn warnings_of(
    orders: &[Stored<ExclusionOrder>],
    bans: &[Stored<AreaBan>],
    episodes: &[Stored<Episode>],
    context: Option<&crate::measures::ExclusionContext<'_>>,
    ban_rules: Option<&crate::jurisdiction::AreaBanRules>,
    now: Timestamp,
    today: Date,
) -> Vec<MeasureWarning> {
    let mut warnings = Vec::new();
    if let Some(context) = context {
        for order in orders {
            let id = order.value.id;
            warnings.extend(
                order
                    .value
                    .warnings(context, now)
                    .into_iter()
                    .map(|warning| MeasureWarning::Exclusion { order: id, warning }),
            );
        }
    }
    if let Some(rules) = ban_rules {
        for ban in bans {
            if let Some(warning) = ban.value.warning(today, rules) {
                warnings.push(MeasureWarning::AreaBan { ban: ban.value.id, area: ban.value.area.clone(), warning });
            }
        }
    }
    for episode in episodes {
        let flags = episode.value.flags(today);
        if flags.behind_intensity.is_some() || flags.overrunning_by_days.is_some() {
            warnings.push(MeasureWarning::Episode { episode: episode.value.id, flags });
        }
    }
    warnings
}

impl<S: PeopleStore + AuditLog + DirectoryStore + MeasureStore> Measures<'_, S> {
    fn warnings(
        &self,
        orders: &[Stored<ExclusionOrder>],
        bans: &[Stored<AreaBan>],
        episodes: &[Stored<Episode>],
    ) -> Vec<MeasureWarning> {
        let context = self.exclusion_context().ok();
        warnings_of(orders, bans, episodes, context.as_ref(), self.pack.area_ban.as_ref(), self.now(), self.today())
    }

    /// The person's exclusion orders (as excluded person, victim or child), area bans,
    /// episodes and groups, with their warnings; the read is audited.
    pub async fn of_person(&self, actor: &Actor, person: PersonId, what: &str) -> ServiceResult<PersonMeasures> {
        let found = self.authorise(actor, person, Permission::ViewPerson, what).await?;
        let now = self.now();
        self.store.append(&[AuditEntry::granted(actor, now, person, AuditAction::Read, what, &found.grant)]).await?;
        let orders = self.store.measures_about::<ExclusionOrder>(person).await?;
        let bans = self.store.measures_about::<AreaBan>(person).await?;
        let episodes = self.store.measures_about::<Episode>(person).await?;
        let groups = self.store.measures_about::<Group>(person).await?;
        let proposals = self.store.measures_about::<MeasureProposal>(person).await?;
        let others: BTreeSet<PersonId> =
            orders.iter().flat_map(|o| o.value.people()).filter(|p| *p != person).collect();
        let names =
            self.visible_names(actor, others.into_iter().collect(), "exclusion order: person named on it").await?;
        let warnings = self.warnings(&orders, &bans, &episodes);
        Ok(PersonMeasures {
            person: found.person,
            team: found.team,
            orders,
            bans,
            episodes,
            groups,
            proposals,
            names,
            warnings,
        })
    }

    /// The measures about `person` and their warnings, for the plan page
    /// (`Plans::view_with_measures`), which has authorised and audited the read of the person's
    /// file itself: crate-private for that reason.
    pub(crate) async fn linked(&self, person: PersonId) -> ServiceResult<PlanMeasures> {
        let orders = self.store.measures_about::<ExclusionOrder>(person).await?;
        let bans = self.store.measures_about::<AreaBan>(person).await?;
        let episodes = self.store.measures_about::<Episode>(person).await?;
        let warnings = self.warnings(&orders, &bans, &episodes);
        Ok(PlanMeasures { orders, bans, episodes, warnings })
    }

    /// Names of those of `people` whom the actor may see; each shown name is an audited read.
    /// People the actor may not see are left out silently: naming them is not a request.
    pub(crate) async fn visible_names(
        &self,
        actor: &Actor,
        people: Vec<PersonId>,
        what: &str,
    ) -> ServiceResult<BTreeMap<PersonId, String>> {
        let now = self.now();
        let today = self.today();
        let mut names = BTreeMap::new();
        let mut audit = Vec::new();
        for person in people {
            let team = self.store.team(person).await?;
            let Ok(grant) = authorise(actor, Permission::ViewPerson, &team, today) else { continue };
            let Some(found) = self.store.person(person).await? else { continue };
            audit.push(AuditEntry::granted(actor, now, person, AuditAction::Listed, what, &grant));
            names.insert(person, found.display_name());
        }
        if !audit.is_empty() {
            self.store.append(&audit).await?;
        }
        Ok(names)
    }

    /// Warnings of the open measures about persons whose team the actor's agency is on, for
    /// the weekly review; each person listed is audited.
    pub async fn agency_warnings(&self, actor: &Actor) -> ServiceResult<Vec<WarningLine>> {
        if !actor.can(Permission::ViewPerson) {
            return Err(ServiceError::Forbidden(Denial::RoleLacksPermission));
        }
        let today = self.today();
        let agency = actor.agency_id;
        let orders = self.store.open_measures_for_agency::<ExclusionOrder>(agency, today).await?;
        let bans = self.store.open_measures_for_agency::<AreaBan>(agency, today).await?;
        let episodes = self.store.open_measures_for_agency::<Episode>(agency, today).await?;
        let mut by_person: BTreeMap<PersonId, Vec<MeasureWarning>> = BTreeMap::new();
        for warning in self.warnings(&orders, &bans, &episodes) {
            let subject = match &warning {
                MeasureWarning::Exclusion { order, .. } => {
                    orders.iter().find(|o| o.value.id == *order).and_then(|o| o.value.subject())
                }
                MeasureWarning::AreaBan { ban, .. } => bans.iter().find(|b| b.value.id == *ban).map(|b| b.value.person),
                MeasureWarning::Episode { episode, .. } => {
                    episodes.iter().find(|e| e.value.id == *episode).map(|e| e.value.person)
                }
            };
            if let Some(subject) = subject {
                by_person.entry(subject).or_default().push(warning);
            }
        }
        let listed: Vec<PersonId> = by_person.keys().copied().collect();
        let names = self.visible_names(actor, listed, "weekly review: measures").await?;
        Ok(by_person
            .into_iter()
            .filter_map(|(person, warnings)| {
                let name = names.get(&person)?.clone();
                Some(warnings.into_iter().map(move |warning| WarningLine { person, name: name.clone(), warning }))
            })
            .flatten()
            .collect())
    }
}
