//! The conference use cases over the ports: requests (a partner's, or the system's when the
//! complex-case criteria match), triage by the process manager, and the case conference
//! meetings in `meetings`. Every read and write of a person's data is authorised against the
//! person's team and audited; the agenda and minutes follow need-to-know.

mod events;
mod invitations;
mod meetings;

pub use invitations::{Answer, InvitationLine};
pub use meetings::{DiscussedAt, MeetingFile, MeetingLine};

use events::Teller;

use crate::access::{Actor, Grant, Permission, TeamEntry, authorise};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::clock::Clock;
use crate::conference::ports::InvitationStore;
use crate::conference::ports::{ConferenceStore, ConferenceWrite};
use crate::conference::{
    ConferenceError, ConferenceRequest, NewConferenceRequest, ProposalInput, RequestInput, RequestOrigin,
    RequestStatus, TriageCommand, TriageInput, TriageInputs, conference_field_error, parse_agencies,
};
use crate::conference::{Invitation, InvitationStatus};
use crate::directory::{AgencyKind, DirectoryStore};
use crate::ids::{AgencyId, ConferenceRequestId, PersonId, new_v7};
use crate::jurisdiction::BeyondPack;
use crate::notifications::EventKind;
use crate::people::Person;
use crate::people::ports::PeopleStore;
use crate::plan::ports::PlanStore;
use crate::plan::service::{Plans, team_agencies};
use crate::screening::ports::ScreeningStore;
use crate::service::{ServiceError, ServiceResult, authorise_person, require, today_in};
use crate::validation::{FieldError, invalid};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::collections::BTreeSet;

pub struct Conferences<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub time_zone: &'a TimeZone,
    pub pack: &'a BeyondPack,
}

/// Everything the person's conference page shows.
#[derive(Debug, Clone)]
pub struct ConferenceFile {
    pub person: Person,
    pub team: Vec<TeamEntry>,
    /// Newest first.
    pub requests: Vec<ConferenceRequest>,
    /// The meetings that discussed the person, as the actor's agency may see them.
    pub discussed: Vec<DiscussedAt>,
    /// The partners invited onto the team (by an accepted request), and their answers.
    pub invitations: Vec<Invitation>,
}

/// One request on the triage list.
#[derive(Debug, Clone)]
pub struct TriageLine {
    pub request: ConferenceRequest,
    pub person_name: String,
    /// The triage it is on now (a request not handled in time rolls into the next one).
    pub triage_on: Date,
    pub carried_over: bool,
    /// The triage day the request missed by arriving after its cut-off, if it did.
    pub missed_cut_off: Option<Date>,
    /// The viewer's agency is on the person's team (else it sees the request only, because
    /// the request is addressed to it, and accepting asks for its basis to join the team).
    pub on_team: bool,
    /// For an accepted request: the meetings it may go to (after its triage, with room).
    pub meetings: Vec<crate::conference::Meeting>,
}

/// The stores the conference use cases need.
pub trait ConferencePorts:
    PeopleStore + AuditLog + DirectoryStore + PlanStore + ScreeningStore + ConferenceStore + InvitationStore
{
}
impl<T> ConferencePorts for T where
    T: PeopleStore + AuditLog + DirectoryStore + PlanStore + ScreeningStore + ConferenceStore + InvitationStore
{
}

/// A refusal of the conference workflow, as the field error its form shows.
fn refused(error: &ConferenceError) -> ServiceError {
    invalid(conference_field_error(error))
}

fn is_open(request: &ConferenceRequest) -> bool {
    matches!(request.status, RequestStatus::Requested | RequestStatus::Accepted { .. })
}

impl<S: ConferencePorts> Conferences<'_, S> {
    pub fn today(&self) -> Date {
        today_in(self.clock, self.time_zone)
    }

    pub(crate) fn plans(&self) -> Plans<'_, S> {
        Plans { store: self.store, clock: self.clock, time_zone: self.time_zone, pack: self.pack }
    }

    /// The agencies that run triage and chair conferences: the Safety Houses.
    async fn safety_houses(&self) -> ServiceResult<BTreeSet<AgencyId>> {
        let agencies = self.store.agencies().await?;
        Ok(agencies.into_iter().filter(|a| a.kind == AgencyKind::SafetyHouse).map(|a| a.id).collect())
    }

    /// The person's requests and the conferences that discussed them; the read is audited.
    pub async fn file(&self, actor: &Actor, person: PersonId) -> ServiceResult<ConferenceFile> {
        let now = self.clock.now();
        let what = "conference page";
        let found =
            authorise_person(self.store, actor, person, Permission::ViewPerson, what, now, self.today()).await?;
        self.store.append(&[AuditEntry::granted(actor, now, person, AuditAction::Read, what, &found.grant)]).await?;
        let requests = self.store.conference_requests_of(person).await?.into_iter().map(|s| s.request).collect();
        let discussed = self.discussed(actor, person).await?;
        let invitations = self.store.invitations_of(person).await?.into_iter().map(|s| s.invitation).collect();
        Ok(ConferenceFile { person: found.person, team: found.team, requests, discussed, invitations })
    }

    /// Refused while the person already has a request waiting or accepted.
    async fn check_no_open_request(&self, person: PersonId) -> ServiceResult<()> {
        let open = self.store.conference_requests_of(person).await?.iter().any(|s| is_open(&s.request));
        if open { Err(invalid(FieldError::new("reason", "error.conference.open_request"))) } else { Ok(()) }
    }

    /// The Safety Houses a request is addressed to: those it names, and those on the person's
    /// team already. A request must reach at least one.
    async fn addressees(
        &self,
        invited: &BTreeSet<AgencyId>,
        team: &[TeamEntry],
        today: Date,
    ) -> ServiceResult<BTreeSet<AgencyId>> {
        let houses = self.safety_houses().await?;
        let on_team = team_agencies(team, today);
        let to: BTreeSet<AgencyId> =
            houses.iter().filter(|h| invited.contains(h) || on_team.contains(h)).copied().collect();
        if to.is_empty() {
            return Err(invalid(FieldError::new("invited", "error.conference.no_safety_house")));
        }
        Ok(to)
    }

    /// Whether the actor may see `request`, and on which grant: through the person's team, or
    /// — for a Safety House's process manager — because the request is addressed to their
    /// Safety House (it names it). The second grant covers the request, not the person's file.
    async fn request_grant(
        &self,
        actor: &Actor,
        request: &ConferenceRequest,
        team: &[TeamEntry],
        today: Date,
    ) -> ServiceResult<Result<(Grant, bool), crate::access::Denial>> {
        match authorise(actor, Permission::TriageConference, team, today) {
            Ok(grant) => Ok(Ok((grant, true))),
            Err(denial) => {
                let addressed = actor.can(Permission::TriageConference)
                    && request.invited.contains(&actor.agency_id)
                    && self.safety_houses().await?.contains(&actor.agency_id);
                Ok(if addressed { Ok((Grant::Request(request.id), false)) } else { Err(denial) })
            }
        }
    }

    /// Every invited agency must exist.
    async fn known_agencies(&self, invited: &BTreeSet<AgencyId>) -> ServiceResult<()> {
        let agencies = self.store.agencies().await?;
        if invited.iter().all(|a| agencies.iter().any(|known| known.id == *a)) {
            Ok(())
        } else {
            Err(invalid(FieldError::new("invited", "error.conference.unknown_agency")))
        }
    }

    async fn file_request(
        &self,
        actor: &Actor,
        person: PersonId,
        grant: &crate::access::Grant,
        new: NewConferenceRequest,
        what: &str,
    ) -> ServiceResult<ConferenceRequest> {
        let now = self.clock.now();
        let (request, effects) =
            ConferenceRequest::submit(new, &self.pack.triage_calendar, now).map_err(|e| refused(&e))?;
        let audit = vec![AuditEntry::granted(actor, now, person, AuditAction::Create, what, grant)];
        let safety_houses = self.safety_houses().await?;
        // The request goes to the Safety Houses it is addressed to. One on the person's team
        // is told whom it is about; one not on it yet is told only that a request is on its
        // triage (the triage list shows it the request, under the request's own grant).
        let addressed: BTreeSet<AgencyId> = safety_houses.intersection(&request.invited).copied().collect();
        let on_team = team_agencies(&self.store.team(person).await?, self.today());
        let (known, unknown): (BTreeSet<AgencyId>, BTreeSet<AgencyId>) =
            addressed.iter().partition(|house| on_team.contains(house));
        let mut outbox = Teller { by: actor.member_id, at: now, safety_houses: &known }.triage(&request, &effects);
        if !unknown.is_empty() {
            let teller = Teller { by: actor.member_id, at: now, safety_houses: &unknown };
            let received = teller
                .triage(&request, &effects)
                .into_iter()
                .filter(|e| e.kind == EventKind::ConferenceRequestReceived);
            outbox.extend(received.map(|event| crate::notifications::Event { person: None, ..event }));
        }
        outbox.retain(|e| e.kind != EventKind::ConferenceRequestReceived || !e.audience.agencies.is_empty());
        let write = ConferenceWrite { requests: vec![(&request, 1)], audit, outbox, ..Default::default() };
        self.store.write_conference(&write).await?;
        Ok(request)
    }

    /// A partner asks for a case conference; the cut-off rule decides its triage date.
    pub async fn request(
        &self,
        actor: &Actor,
        person: PersonId,
        input: &RequestInput,
    ) -> ServiceResult<ConferenceRequest> {
        let what = "conference: request";
        let now = self.clock.now();
        let found =
            authorise_person(self.store, actor, person, Permission::RequestConference, what, now, self.today()).await?;
        let invited = parse_agencies("invited", &input.invited).map_err(invalid)?;
        self.known_agencies(&invited).await?;
        // The request names the Safety House it goes to (or one on the team): that gives the
        // Safety House its ground to read the request at triage.
        let mut invited = invited;
        invited.extend(self.addressees(&invited, &found.team, self.today()).await?);
        self.check_no_open_request(person).await?;
        let new = NewConferenceRequest {
            id: ConferenceRequestId(new_v7(now)),
            person,
            origin: RequestOrigin::Partner { agency: actor.agency_id, member: actor.member_id },
            reason: input.reason.clone(),
            goal: input.goal.clone(),
            invited,
        };
        self.file_request(actor, person, &found.grant, new, what).await
    }

    /// Checks the complex-case criteria against the latest screening and the ticked flags;
    /// when a rule matches in full the system files the request (inviting the team), with
    /// the matched rules as its reason. When none matches nothing is filed.
    pub async fn propose(
        &self,
        actor: &Actor,
        person: PersonId,
        input: &ProposalInput,
    ) -> ServiceResult<ConferenceRequest> {
        let what = "conference: criteria check";
        let now = self.clock.now();
        let today = self.today();
        let found =
            authorise_person(self.store, actor, person, Permission::RequestConference, what, now, today).await?;
        let flags: BTreeSet<String> =
            input.flags.iter().map(|f| f.trim().to_owned()).filter(|f| !f.is_empty()).collect();
        if flags.iter().any(|f| !self.pack.triage_flags.iter().any(|known| &known.key == f)) {
            return Err(invalid(FieldError::new("flags", "error.conference.unknown_flag")));
        }
        self.check_no_open_request(person).await?;
        let screenings = self.store.screenings(person).await?;
        let inputs = TriageInputs { latest_screening: screenings.last(), flags: &flags };
        let Some(proposal) = self.pack.complex_case_criteria.evaluate(&inputs) else {
            return Err(invalid(FieldError::new("flags", "error.conference.criteria_not_met")));
        };
        let reason = proposal.matched.iter().map(|m| m.rule.as_str()).collect::<Vec<_>>().join(", ");
        let new = NewConferenceRequest {
            id: ConferenceRequestId(new_v7(now)),
            person,
            origin: RequestOrigin::Proposed(proposal),
            reason,
            goal: input.goal.clone(),
            invited: self.proposal_invited(&found.team, today).await?,
        };
        self.file_request(actor, person, &found.grant, new, "conference: proposed by the criteria").await
    }

    /// A proposal invites the team; when no Safety House is on it, the one Safety House there
    /// is (with several, a partner's request must name one).
    async fn proposal_invited(&self, team: &[TeamEntry], today: Date) -> ServiceResult<BTreeSet<AgencyId>> {
        let mut invited = team_agencies(team, today);
        let houses = self.safety_houses().await?;
        if invited.is_disjoint(&houses) && houses.len() == 1 {
            invited.extend(houses);
        }
        self.addressees(&invited, team, today).await?;
        Ok(invited)
    }

    /// Requests waiting for triage or for a meeting, of persons whose team the actor's agency
    /// is on or addressed to the actor's Safety House, each listed person audited.
    pub async fn triage_list(&self, actor: &Actor) -> ServiceResult<Vec<TriageLine>> {
        require(actor, Permission::TriageConference)?;
        let now = self.clock.now();
        let today = self.today();
        let mut lines = Vec::new();
        let mut audit = Vec::new();
        // The meetings ahead, read once when an accepted request needs its choices.
        let mut ahead: Option<Vec<crate::conference::Meeting>> = None;
        for stored in self.store.open_conference_requests().await? {
            let person = stored.request.person;
            let team = self.store.team(person).await?;
            let Ok((grant, on_team)) = self.request_grant(actor, &stored.request, &team, today).await? else {
                continue;
            };
            let Some(found) = self.store.person(person).await? else { continue };
            audit.push(AuditEntry::granted(actor, now, person, AuditAction::Listed, "list: triage", &grant));
            let request = stored.request;
            let meetings = if matches!(request.status, RequestStatus::Accepted { .. }) {
                if ahead.is_none() {
                    ahead = Some(self.meetings_ahead().await?);
                }
                meetings::meetings_for(&request, ahead.as_deref().unwrap_or_default())
            } else {
                Vec::new()
            };
            lines.push(TriageLine {
                triage_on: request.current_triage_on(&self.pack.triage_calendar, today),
                carried_over: request.is_carried_over(today),
                missed_cut_off: request
                    .status
                    .awaits_triage()
                    .then(|| self.pack.triage_calendar.missed_by_cut_off(request.submitted_at))
                    .flatten(),
                request,
                person_name: found.display_name(),
                on_team,
                meetings,
            });
        }
        lines.sort_by_key(|l| (l.triage_on, l.request.submitted_at));
        self.store.append(&audit).await?;
        Ok(lines)
    }

    /// The process manager accepts a request, or declines it with a reason. Accepting joins
    /// the Safety House to the person's team on the basis its process manager gives (when it
    /// is not on it yet), and invites every other partner the request names that is not on
    /// the team: each answers with its own basis. The requester is told the outcome.
    pub async fn triage(
        &self,
        actor: &Actor,
        request: ConferenceRequestId,
        input: &TriageInput,
    ) -> ServiceResult<ConferenceRequest> {
        let stored = self.store.conference_request(request).await?.ok_or(ServiceError::NotFound)?;
        let person = stored.request.person;
        let (command, what) = match input {
            TriageInput::Accept | TriageInput::AcceptJoining(_) => {
                (TriageCommand::Accept { by: actor.member_id }, "conference: accepted")
            }
            TriageInput::Decline { reason } => {
                (TriageCommand::Decline { by: actor.member_id, reason: reason.clone() }, "conference: declined")
            }
        };
        let now = self.clock.now();
        let today = self.today();
        let team = self.store.team(person).await?;
        let (grant, on_team) = match self.request_grant(actor, &stored.request, &team, today).await? {
            Ok(granted) => granted,
            Err(denial) => {
                let entry = AuditEntry::new(actor, now, Some(person), AuditAction::Denied, what, denial.to_string());
                self.store.append(&[entry]).await?;
                return Err(ServiceError::Forbidden(denial));
            }
        };
        let (changed, effects) = stored.request.apply(command, now).map_err(|e| refused(&e))?;
        let mut audit = vec![AuditEntry::granted(actor, now, person, AuditAction::Update, what, &grant)];
        let mut joining = Vec::new();
        if matches!(changed.status, RequestStatus::Accepted { .. }) && !on_team {
            let TriageInput::AcceptJoining(basis) = input else {
                return Err(invalid(FieldError::new("basis_kind", "error.triage.basis_needed")));
            };
            let basis = crate::access::TeamEntryInput { agency_id: actor.agency_id.to_string(), ..basis.clone() };
            let draft = basis.parse(today)?;
            let entry = TeamEntry {
                id: crate::ids::TeamEntryId::new(now),
                person_id: person,
                agency_id: actor.agency_id,
                basis: draft.basis,
                reason: draft.reason,
                added_by: actor.member_id,
                added_at: now,
                ended_at: None,
            };
            let joined = Grant::Team { entry: entry.id, basis: entry.basis.clone() };
            let what = "team_add: conference request accepted";
            audit.push(AuditEntry::granted(actor, now, person, AuditAction::TeamAdd, what, &joined));
            joining.push(entry);
        }
        let safety_houses = self.safety_houses().await?;
        let teller = Teller { by: actor.member_id, at: now, safety_houses: &safety_houses };
        let mut outbox = teller.triage(&changed, &effects);
        let mut invitations = Vec::new();
        if matches!(changed.status, RequestStatus::Accepted { .. }) {
            let on = team_agencies(&team, today);
            for agency in changed.invited.iter().filter(|a| !on.contains(a) && **a != actor.agency_id) {
                let invitation = Invitation {
                    id: crate::ids::InvitationId(new_v7(now)),
                    person,
                    agency: *agency,
                    request: Some(changed.id),
                    purpose: changed.goal.clone(),
                    invited_by: actor.member_id,
                    invited_by_agency: actor.agency_id,
                    invited_at: now,
                    status: InvitationStatus::Open,
                };
                outbox.push(invitation.event(EventKind::TeamInvitation, now, actor.member_id));
                invitations.push(invitation);
            }
        }
        let write = ConferenceWrite {
            requests: vec![(&changed, stored.version + 1)],
            team: joining,
            invitations,
            audit,
            outbox,
            ..Default::default()
        };
        self.store.write_conference(&write).await?;
        Ok(changed)
    }
}
