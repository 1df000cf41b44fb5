//! The team's cohort-changes list: changes of cohort membership (from the evidence
//! capability) of persons who had no open plan to put a task on. An agency sees the entries
//! of persons whose case team it is on today, until it acknowledges them; each listed person
//! is audited, and so is each acknowledgement.

use super::model::{
    CohortDecision, CohortMove, CohortNoticeLine, DECISION_REASON_MAX_CHARS, EXTRACT_PERSON_MAX_CHARS, LinkIdentifier,
    LinkList, LinkOverview, LinkReport, LinkedPerson,
};
use super::ports::{CohortDecisionStore, CohortNoticeStore, LinkReportStore};
use crate::access::{Actor, Denial, Permission};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::clock::Clock;
use crate::ids::{CohortNoticeId, PersonId};
use crate::jurisdiction::Lang;
use crate::people::ports::PeopleStore;
use crate::plan::service::team_agencies;
use crate::ports::StoreError;
use crate::service::{ServiceError, ServiceResult, authorise_person, listed_with_names, require_audited, today_in};
use crate::validation::{FieldError, ValidationErrors, required_text};
use jiff::tz::TimeZone;
use std::collections::BTreeMap;

/// The list shows at most this many entries, newest first.
pub const COHORT_NOTICE_LIMIT: u32 = 200;

pub struct CohortNotices<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub time_zone: &'a TimeZone,
}

impl<S: PeopleStore + AuditLog + CohortNoticeStore> CohortNotices<'_, S> {
    /// The actor's agency's open entries, each listed person audited.
    pub async fn list(&self, actor: &Actor) -> ServiceResult<Vec<CohortNoticeLine>> {
        if !actor.can(Permission::ViewPerson) {
            return Err(ServiceError::Forbidden(Denial::RoleLacksPermission));
        }
        let (now, today) = (self.clock.now(), today_in(self.clock, self.time_zone));
        let notices = self.store.cohort_notices_for(actor.agency_id, today, COHORT_NOTICE_LIMIT).await?;
        let named =
            listed_with_names(self.store, actor, notices, |n| n.person, "list: cohort changes", now, today).await?;
        Ok(named.into_iter().map(|(notice, person_name)| CohortNoticeLine { notice, person_name }).collect())
    }

    /// The actor's agency acknowledges an entry. Only an agency on the person's team today
    /// may: the list is the team's.
    pub async fn acknowledge(&self, actor: &Actor, id: CohortNoticeId) -> ServiceResult<()> {
        let (now, today) = (self.clock.now(), today_in(self.clock, self.time_zone));
        let notice = self.store.cohort_notice(id).await?.ok_or(ServiceError::NotFound)?;
        let what = "cohort change: acknowledge";
        let found =
            authorise_person(self.store, actor, notice.person, Permission::ViewPerson, what, now, today).await?;
        if !team_agencies(&found.team, today).contains(&actor.agency_id) {
            let denied = AuditEntry::new(actor, now, Some(notice.person), AuditAction::Denied, what, "not_on_team");
            self.store.append(&[denied]).await?;
            return Err(ServiceError::Forbidden(Denial::NotOnTeam));
        }
        let audit = AuditEntry::granted(actor, now, notice.person, AuditAction::Update, what, &found.grant);
        self.store.acknowledge_cohort_notice(id, actor.agency_id, actor.member_id, now, &audit).await?;
        Ok(())
    }
}

/// What the process manager typed: the extract's person id, select or deselect, the reason.
#[derive(Debug, Clone, Default)]
pub struct DecisionInput {
    pub person: String,
    pub change: String,
    pub reason: String,
}

impl DecisionInput {
    /// Every problem at once, each naming its field.
    fn validate(&self) -> Result<(String, CohortMove, String), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let person = required_text(&mut errors, "cohort_person", &self.person, EXTRACT_PERSON_MAX_CHARS);
        let change = match self.change.as_str() {
            "select" => Some(CohortMove::Joined),
            "deselect" => Some(CohortMove::Left),
            _ => {
                errors.push(FieldError::new("cohort_change", "error.cohort.change"));
                None
            }
        };
        let reason = required_text(&mut errors, "cohort_reason", &self.reason, DECISION_REASON_MAX_CHARS);
        let change = change.unwrap_or(CohortMove::Joined);
        errors.into_result((person, change, reason))
    }
}

/// Manual selection and deselection: the process manager puts a person in a rule's cohort or
/// takes them out, whatever the rule's counts say, with a reason the team is told.
pub struct CohortDecisions<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub time_zone: &'a TimeZone,
    pub lang: Lang,
    /// The cohort's name in a language (from the message catalogue, which the domain does not
    /// hold), so the team's task names the cohort, not its rule's code.
    pub rule_name: fn(Lang, &str) -> Option<String>,
}

impl<S: AuditLog + CohortDecisionStore> CohortDecisions<'_, S> {
    /// Records the decision from today on; refusals are audited too.
    pub async fn decide(&self, actor: &Actor, rule: &str, input: &DecisionInput) -> ServiceResult<u64> {
        let (now, today) = (self.clock.now(), today_in(self.clock, self.time_zone));
        let what = format!("cohort {rule}: decision");
        if !actor.can(Permission::SelectCohort) {
            let denied = AuditEntry::new(actor, now, None, AuditAction::Denied, what, "role_lacks_permission");
            self.store.append(&[denied]).await?;
            return Err(ServiceError::Forbidden(Denial::RoleLacksPermission));
        }
        let (person, change, reason) = input.validate()?;
        let decision =
            CohortDecision { rule: rule.to_owned(), person, change, from: today, reason, by: actor.member_id };
        let basis = format!("role: process_manager; {} {}", input.change, decision.person);
        let audit = AuditEntry::new(actor, now, None, AuditAction::Create, what, basis);
        let rule_label = (self.rule_name)(self.lang, rule);
        match self.store.record_cohort_decision(&decision, now, today, self.lang, rule_label.as_deref(), &audit).await {
            Ok(told) => Ok(told),
            Err(StoreError::NotFound) => {
                Err(ValidationErrors::single(FieldError::new("cohort_person", "error.cohort.person_unknown")).into())
            }
            Err(other) => Err(other.into()),
        }
    }
}

/// Persons per page of the match report's lists.
pub const LINK_PAGE_SIZE: usize = 50;

/// What the match report's reads are audited as.
const LINKS_WHAT: &str = "list: offence record links";

/// The match report: how the case system's persons link to the offence record by their
/// identifiers. An administrator (who keeps the partnership's data in order) sees the counts
/// and who is unmatched or ambiguous, with their identifiers, each listed person audited; an
/// analyst the counts only (aggregates); anyone else is refused, and that is audited too.
pub struct LinkReports<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
}

impl<S: PeopleStore + AuditLog + LinkReportStore> LinkReports<'_, S> {
    /// The counts and, for an administrator, page `page` (1-based; past the end shows the
    /// last) of the list `list`.
    pub async fn report(&self, actor: &Actor, list: LinkList, page: u32) -> ServiceResult<LinkReport> {
        let now = self.clock.now();
        let lists = actor.can(Permission::ManageMembers);
        if !lists {
            require_audited(self.store, actor, Permission::ViewAggregates, LINKS_WHAT, now).await?;
        }
        let overview = self.store.link_overview().await?;
        let mut report = LinkReport {
            matched: overview.matched,
            unmatched: overview.unmatched.len() as u64,
            ambiguous: overview.ambiguous.len() as u64,
            list: None,
            persons: Vec::new(),
            page: 1,
            pages: 1,
        };
        if !lists {
            return Ok(report);
        }
        let all = match list {
            LinkList::Unmatched => overview.unmatched,
            LinkList::Ambiguous => overview.ambiguous,
        };
        let pages = all.len().div_ceil(LINK_PAGE_SIZE).max(1);
        let page = (page.max(1) as usize).min(pages);
        let shown: Vec<PersonId> = all.into_iter().skip((page - 1) * LINK_PAGE_SIZE).take(LINK_PAGE_SIZE).collect();
        report.persons = self.listed(actor, &shown, now).await?;
        (report.list, report.page, report.pages) = (Some(list), page as u32, pages as u32);
        Ok(report)
    }

    /// The match report as the API gives it: the counts and every ambiguous person (by id,
    /// each audited as listed); administrators only.
    pub async fn overview(&self, actor: &Actor) -> ServiceResult<LinkOverview> {
        let now = self.clock.now();
        require_audited(self.store, actor, Permission::ManageMembers, LINKS_WHAT, now).await?;
        let overview = self.store.link_overview().await?;
        let audit: Vec<AuditEntry> = overview.ambiguous.iter().map(|&p| listed_by_role(actor, now, p)).collect();
        self.store.append(&audit).await?;
        Ok(overview)
    }

    /// `persons` with their names and identifiers, in the same order, each audited as listed.
    async fn listed(
        &self,
        actor: &Actor,
        persons: &[PersonId],
        now: jiff::Timestamp,
    ) -> ServiceResult<Vec<LinkedPerson>> {
        let names: BTreeMap<PersonId, String> =
            self.store.summaries(persons).await?.into_iter().map(|s| (s.id, s.display_name())).collect();
        let mut identifiers: BTreeMap<PersonId, Vec<LinkIdentifier>> = BTreeMap::new();
        for identifier in self.store.link_identifiers(persons).await? {
            identifiers.entry(identifier.person).or_default().push(identifier);
        }
        let audit: Vec<AuditEntry> = persons.iter().map(|&p| listed_by_role(actor, now, p)).collect();
        self.store.append(&audit).await?;
        Ok(persons
            .iter()
            .map(|&person| LinkedPerson {
                person,
                name: names.get(&person).cloned().unwrap_or_default(),
                identifiers: identifiers.remove(&person).unwrap_or_default(),
            })
            .collect())
    }
}

/// A person listed to an administrator on the match report, on the strength of the role.
fn listed_by_role(actor: &Actor, now: jiff::Timestamp, person: PersonId) -> AuditEntry {
    let basis = crate::access::Grant::Role(crate::access::Role::Administrator).summary();
    AuditEntry::new(actor, now, Some(person), AuditAction::Listed, LINKS_WHAT, basis)
}
