//! Work on a case at the table: partner sections, the prosecutor's decision and amendments,
//! clock extensions and orders, the lawyer, breaches, and referral without a decision.

use crate::zsm::service::*;

impl<S: ZsmStore + PeopleStore + AuditLog + DirectoryStore> Zsm<'_, S> {
    /// The prosecutor's decision. Missing required contributions need an override reason.
    pub async fn decide(
        &self,
        actor: &Actor,
        id: CaseId,
        form: &DecisionForm,
        expected_version: i64,
    ) -> ServiceResult<DecisionId> {
        let what = format!("ZSM case {id}: decision");
        let authorised = self.authorise_prosecutor(actor, id, &what).await?;
        if authorised.stored.case.status.decision().is_some() {
            return Err(ZsmError::AlreadyDecided.into());
        }
        let request = form.parse(authorised.pack, actor.member_id, self.now())?;
        let decision = request.id;
        let commands = Self::to_table_first(&authorised.stored.case, CaseCommand::Decide(request));
        let clocks = Self::stop_running(&authorised.stored.clocks, StopReason::Decided);
        self.transition(actor, authorised, expected_version, commands, clocks, what, None, Vec::new()).await?;
        Ok(decision)
    }

    /// Replaces the decision in force; the old one stays on record with the reason.
    pub async fn amend(
        &self,
        actor: &Actor,
        id: CaseId,
        form: &DecisionForm,
        reason: &str,
        expected_version: i64,
    ) -> ServiceResult<DecisionId> {
        let what = format!("ZSM case {id}: amendment");
        let authorised = self.authorise_prosecutor(actor, id, &what).await?;
        let request = form.parse(authorised.pack, actor.member_id, self.now())?;
        let decision = request.id;
        let command = CaseCommand::Amend { request, reason: reason.trim().to_string() };
        self.transition(actor, authorised, expected_version, vec![command], Vec::new(), what, None, Vec::new()).await?;
        Ok(decision)
    }

    /// After a breach, the prosecutor keeps the decision for a recorded reason.
    pub async fn maintain_decision(
        &self,
        actor: &Actor,
        id: CaseId,
        reason: &str,
        expected_version: i64,
    ) -> ServiceResult<()> {
        let what = format!("ZSM case {id}: decision maintained after breach");
        let authorised = self.authorise_prosecutor(actor, id, &what).await?;
        let command = CaseCommand::MaintainDecision { reason: reason.trim().to_string(), by: actor.member_id };
        self.transition(actor, authorised, expected_version, vec![command], Vec::new(), what, None, Vec::new()).await?;
        Ok(())
    }

    /// Grants a clock extension; only a member acting in a legal office the pack names may.
    #[allow(
        clippy::too_many_arguments,
        reason = "a case transition takes its commands, clock commands, lawyer and team changes at once"
    )]
    pub async fn extend_clock(
        &self,
        actor: &Actor,
        id: CaseId,
        clock: &str,
        extension: &str,
        hours: Option<u32>,
        basis: &str,
        expected_version: i64,
    ) -> ServiceResult<()> {
        let what = format!("ZSM case {id}: extension {extension} of {clock}");
        let authorised = self.authorise_case(actor, id, &what).await?;
        let rule = authorised
            .pack
            .clock(&ClockCode::new(clock.trim()))
            .ok()
            .and_then(|c| c.extensions.iter().find(|e| e.code.as_str() == extension.trim()));
        let office = match rule {
            Some(rule) => grant_office(actor, rule),
            None => authority_of(actor),
        };
        let Some(role) = office else {
            return Err(self.refuse(actor, authorised.stored.suspect(), &what).await);
        };
        let command = ClockCommand::Extend {
            extension: ExtensionCode::new(extension.trim()),
            by: Grantor { role, member: actor.member_id },
            basis: basis.trim().to_string(),
            length: hours.map(ClockSpan::hours),
        };
        let clocks = vec![(ClockCode::new(clock.trim()), command)];
        self.transition(actor, authorised, expected_version, Vec::new(), clocks, what, None, Vec::new()).await?;
        Ok(())
    }

    /// Records the suspect's lawyer (police or prosecutor); their office joins the team.
    pub async fn record_lawyer(
        &self,
        actor: &Actor,
        id: CaseId,
        lawyer: MemberId,
        expected_version: i64,
    ) -> ServiceResult<()> {
        let what = format!("ZSM case {id}: lawyer recorded");
        let authorised = self.authorise_case(actor, id, &what).await?;
        if !matches!(authorised.viewer.agency, AgencyKind::Police | AgencyKind::Prosecution) {
            return Err(self.refuse(actor, authorised.stored.suspect(), &what).await);
        }
        let member = match self.store.member(lawyer).await? {
            Some(member) if member.roles.contains(&Role::DefenceLawyer) && !member.disabled => member,
            _ => {
                return Err(invalid(FieldError::new("lawyer_id", "zsm.error.not_a_lawyer")));
            }
        };
        if !self.lawyer_serves(&member, &authorised.pack.code).await? {
            return Err(invalid(FieldError::new("lawyer_id", "zsm.error.lawyer_other_jurisdiction")));
        }
        let suspect = authorised.stored.suspect();
        let now = self.now();
        let today = self.today(authorised.pack);
        let team = self.store.team(suspect).await?;
        let mut joining = Vec::new();
        if !team.iter().any(|e| e.agency_id == member.agency_id && e.is_active(today)) {
            joining.push(TeamEntry {
                id: TeamEntryId::new(now),
                person_id: suspect,
                agency_id: member.agency_id,
                basis: table_basis(AgencyKind::Defence, authorised.pack),
                reason: format!("suspect's lawyer in ZSM case {id}"),
                added_by: actor.member_id,
                added_at: now,
                ended_at: None,
            });
        }
        self.transition(
            actor,
            authorised,
            expected_version,
            Vec::new(),
            Vec::new(),
            what,
            Some(Some(member.id)),
            joining,
        )
        .await?;
        Ok(())
    }

    /// A breach of an obligation, recorded by the monitoring agency (or a prosecutor); the case
    /// returns to the prosecutor.
    pub async fn record_breach(
        &self,
        actor: &Actor,
        id: CaseId,
        obligation: ObligationId,
        observed_on: &str,
        description: &str,
        expected_version: i64,
    ) -> ServiceResult<()> {
        let what = format!("ZSM case {id}: breach of obligation {obligation}");
        let authorised = self.authorise_case(actor, id, &what).await?;
        let monitored_by = authorised
            .stored
            .case
            .status
            .decision()
            .and_then(|d| d.obligations.iter().find(|o| o.id == obligation))
            .map(|o| o.responsible_agency.clone());
        let own_code = AgencyCode::new(authorised.viewer.agency.code());
        let allowed = authorised.viewer.prosecutor || monitored_by.as_ref() == Some(&own_code);
        if monitored_by.is_some() && !allowed {
            return Err(self.refuse(actor, authorised.stored.suspect(), &what).await);
        }
        let observed_on: Date =
            observed_on.trim().parse().map_err(|_| invalid(FieldError::new("observed_on", "error.date.invalid")))?;
        let command = CaseCommand::RecordBreach {
            obligation,
            observed_on,
            description: description.trim().to_string(),
            reported_by: own_code,
            recorded_by: actor.member_id,
        };
        self.transition(actor, authorised, expected_version, vec![command], Vec::new(), what, None, Vec::new()).await?;
        Ok(())
    }

    /// An order that starts a clock (custody, art. 57 Sv), given by a member acting in a legal
    /// office the pack allows; the clock it supersedes stops at the moment of the order.
    #[allow(
        clippy::too_many_arguments,
        reason = "a case transition takes its commands, clock commands, lawyer and team changes at once"
    )]
    pub async fn order_clock(
        &self,
        actor: &Actor,
        id: CaseId,
        clock: &str,
        ordered_at: &str,
        basis: &str,
        expected_version: i64,
    ) -> ServiceResult<()> {
        let what = format!("ZSM case {id}: order {}", clock.trim());
        let authorised = self.authorise_case(actor, id, &what).await?;
        let Some(role) = authority_of(actor) else {
            return Err(self.refuse(actor, authorised.stored.suspect(), &what).await);
        };
        let ordered_at = match parse_local_time(ordered_at, authorised.pack) {
            Ok(at) => at,
            Err(_) if ordered_at.trim().is_empty() => {
                return Err(invalid(FieldError::new("ordered_at", "error.required")));
            }
            Err(key) => return Err(invalid(FieldError::new("ordered_at", key))),
        };
        let Authorised { stored, pack, grant, .. } = authorised;
        if stored.version != expected_version {
            return Err(ServiceError::ChangedMeanwhile);
        }
        let order = ClockOrder {
            clock: ClockCode::new(clock.trim()),
            ordered_at,
            by: Grantor { role, member: actor.member_id },
            basis: basis.trim().to_string(),
        };
        let Ordered { clocks, effects, clock_effects } =
            order_clock(&stored.case, &stored.clocks, order, pack, self.clock).map_err(|error| match error {
                ZsmError::ReasonMissing => missing("order_basis"),
                other => other.into(),
            })?;
        let change =
            Change { case: stored.case.clone(), clocks, effects, clock_effects, lawyer: None, team: Vec::new() };
        self.save(actor, &stored, pack, &grant, change, what).await?;
        Ok(())
    }

    /// The prosecutor hands the case on without a decision at the table (e.g. to the regular
    /// procedure); it leaves the board. The legal clocks keep running: the suspect's detention
    /// is now watched by the procedure it went to.
    pub async fn refer(
        &self,
        actor: &Actor,
        id: CaseId,
        destination: &str,
        reason: &str,
        expected_version: i64,
    ) -> ServiceResult<()> {
        let what = format!("ZSM case {id}: referred without decision");
        let authorised = self.authorise_prosecutor(actor, id, &what).await?;
        let destination = destination.trim();
        if !REFERRAL_DESTINATIONS.contains(&destination) {
            let error = FieldError::new("destination", "zsm.error.destination");
            return Err(invalid(error));
        }
        let command = CaseCommand::Refer {
            destination: destination.to_string(),
            reason: reason.trim().to_string(),
            by: actor.member_id,
        };
        let result = self
            .transition(actor, authorised, expected_version, vec![command], Vec::new(), what, None, Vec::new())
            .await;
        match result {
            Err(error) if error.rule::<ZsmError>() == Some(&ZsmError::ReasonMissing) => Err(missing("refer_reason")),
            other => other.map(|_| ()),
        }
    }

    /// The suspect's prior record, for those with need-to-know (see
    /// [`Viewer::may_see_prior_record`]); every read and every refusal is audited.
    pub async fn prior_record(&self, actor: &Actor, id: CaseId) -> ServiceResult<PriorRecord> {
        let what = format!("ZSM case {id}: prior record");
        let authorised = self.authorise_case(actor, id, &what).await?;
        let suspect = authorised.stored.suspect();
        let now = self.now();
        if !authorised.viewer.may_see_prior_record() {
            let denial = Denial::RoleLacksPermission;
            let entry = AuditEntry::new(actor, now, Some(suspect), AuditAction::Denied, what, denial.to_string());
            self.store.append(&[entry]).await?;
            return Err(ServiceError::Forbidden(denial));
        }
        let record = PriorRecord::new(self.store.prior_offences(suspect).await?);
        let entry = AuditEntry::granted(actor, now, suspect, AuditAction::Read, what, &authorised.grant);
        self.store.append(&[entry]).await?;
        Ok(record)
    }
}

/// A required field left empty.
fn missing(field: &str) -> ServiceError {
    invalid(FieldError::new(field, "error.required"))
}
