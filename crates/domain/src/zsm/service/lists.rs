//! What a location's members see across cases: the live board, obligations to monitor, and
//! the metrics (aggregates only).

use crate::jurisdiction::shipped_pack;
use crate::zsm::service::*;

/// An obligation of a ZSM decision in force on the person, for their measures page: one record
/// per obligation, with the case it comes from.
#[derive(Debug, Clone)]
pub struct PersonObligation {
    pub case: CaseId,
    pub reference: String,
    pub disposal: String,
    pub pack: &'static JurisdictionPack,
    pub obligation: Obligation,
}

impl<S: ZsmStore + PeopleStore + AuditLog + DirectoryStore> Zsm<'_, S> {
    /// The obligations of the ZSM decisions in force on `person` as suspect that have not
    /// ended, for a member whose agency is on the person's team (the measures page); the read
    /// is audited. An amended decision's obligations are replaced, so each shows once.
    pub async fn obligations_of_person(
        &self,
        actor: &Actor,
        person: crate::ids::PersonId,
    ) -> ServiceResult<Vec<PersonObligation>> {
        let cases = self.store.cases_of_suspect(person).await?;
        let mut listed = Vec::new();
        let mut grant = None;
        for stored in cases {
            let Some(decision) = stored.case.status.decision() else { continue };
            let pack = shipped_pack(&stored.case.pack)?;
            let today = self.today(pack);
            if grant.is_none() {
                let team = self.store.team(person).await?;
                match authorise(actor, Permission::ViewPerson, &team, today) {
                    Ok(granted) => grant = Some(granted),
                    Err(_) => return Ok(Vec::new()),
                }
            }
            for obligation in decision.obligations.iter().filter(|o| o.ends_on >= today) {
                listed.push(PersonObligation {
                    case: stored.case.id,
                    reference: view::case_reference(&stored.case, &pack.time_zone),
                    disposal: decision.disposal.to_string(),
                    pack,
                    obligation: obligation.clone(),
                });
            }
        }
        if let (Some(grant), false) = (&grant, listed.is_empty()) {
            let what = "ZSM obligations on the measures page";
            let entry = AuditEntry::granted(actor, self.now(), person, AuditAction::Read, what, grant);
            self.store.append(&[entry]).await?;
        }
        Ok(listed)
    }

    /// The board of a location: cases whose suspect's team includes the member's agency; a
    /// lawyer sees only their own clients. Each listed suspect is audited.
    pub async fn board(&self, actor: &Actor, location: &str) -> ServiceResult<Board> {
        Self::require_any_role(actor, &TABLE_ROLES)?;
        let (location, pack) = self.location(location).await?;
        let now = self.now();
        let kind = self.agency_kind(actor.agency_id).await?;
        let cases = self.store.board(&location.code, actor.agency_id, self.today(pack), now - RECENTLY_DECIDED).await?;
        let cases = self.listed(actor, kind, cases, &format!("ZSM board {}", location.code), now).await?;
        Ok(Board { location, pack, cases, now })
    }

    /// Obligations of a location's decided cases that have not ended, for monitoring.
    pub async fn obligations(
        &self,
        actor: &Actor,
        location: &str,
    ) -> ServiceResult<(ZsmLocation, Vec<MonitoredObligation>)> {
        Self::require_any_role(actor, &TABLE_ROLES)?;
        let (location, pack) = self.location(location).await?;
        let today = self.today(pack);
        let kind = self.agency_kind(actor.agency_id).await?;
        let cases = self.store.cases_with_obligations(&location.code, actor.agency_id, today).await?;
        let cases = self.listed(actor, kind, cases, &format!("ZSM obligations {}", location.code), self.now()).await?;
        let prosecutor = kind == AgencyKind::Prosecution && actor.roles.contains(&Role::Prosecutor);
        let own = AgencyCode::new(kind.code());
        let mut list = Vec::new();
        for case in cases {
            let decided = case.stored.case.status.allows(CaseCommandKind::RecordBreach);
            let Some(decision) = case.stored.case.status.decision() else { continue };
            for obligation in &decision.obligations {
                if obligation.ends_on < today {
                    continue;
                }
                list.push(MonitoredObligation {
                    case: case.stored.id(),
                    version: case.stored.version,
                    suspect_name: case.suspect_name.clone(),
                    breaches: case.stored.case.breaches.iter().filter(|b| b.obligation == obligation.id).count(),
                    may_record_breach: decided && (prosecutor || obligation.responsible_agency == own),
                    obligation: obligation.clone(),
                });
            }
        }
        list.sort_by_key(|m| (m.obligation.ends_on, m.case));
        Ok((location, list))
    }

    /// The cases of a location list the member may see — a lawyer only their own clients' —
    /// each suspect audited as listed under `what`.
    async fn listed(
        &self,
        actor: &Actor,
        kind: AgencyKind,
        mut cases: Vec<BoardCase>,
        what: &str,
        now: Timestamp,
    ) -> ServiceResult<Vec<BoardCase>> {
        if kind == AgencyKind::Defence {
            cases.retain(|c| c.stored.lawyer == Some(actor.member_id));
        }
        let audit: Vec<AuditEntry> = cases
            .iter()
            .map(|c| {
                AuditEntry::new(actor, now, Some(c.stored.suspect()), AuditAction::Listed, what, "team membership")
            })
            .collect();
        self.store.append(&audit).await?;
        Ok(cases)
    }

    /// Metrics of a location over the local dates `from..=to` as typed (empty: the last 30
    /// days up to today). Aggregates only, so not audited per person. A date that does not
    /// read, or a period that ends before it starts, is refused naming the field.
    pub async fn metrics(
        &self,
        actor: &Actor,
        location: &str,
        from: &str,
        to: &str,
    ) -> ServiceResult<(ZsmLocation, Metrics)> {
        Self::require_any_role(actor, &METRICS_ROLES)?;
        let (location, pack) = self.location(location).await?;
        let (from, to) = metrics_period(from, to, self.today(pack))?;
        let zone = &pack.time_zone;
        let start = from.to_zoned(zone.clone()).map_err(|_| ZsmError::TimeOutOfRange)?.timestamp();
        let end =
            to.tomorrow().and_then(|d| d.to_zoned(zone.clone())).map_err(|_| ZsmError::TimeOutOfRange)?.timestamp();
        let rows = self.store.metrics_rows(&location.code, start, end).await?;
        Ok((location, metrics(&rows, zone, from, to)))
    }
}

/// The period of the metrics page: `to` defaults to today, `from` to 29 days before `to`.
pub fn metrics_period(from: &str, to: &str, today: Date) -> Result<(Date, Date), crate::validation::ValidationErrors> {
    use crate::validation::{ValidationErrors, parse_date};
    let mut errors = ValidationErrors::default();
    let mut read = |field: &str, text: &str| match text.trim() {
        "" => None,
        text => parse_date(field, text).map_err(|e| errors.push(e)).ok(),
    };
    let to_given = read("to", to);
    let from_given = read("from", from);
    if !errors.is_empty() {
        return Err(errors);
    }
    let to = to_given.unwrap_or(today);
    let from = from_given.unwrap_or_else(|| to.saturating_sub(jiff::Span::new().days(29)));
    if to < from {
        return Err(ValidationErrors::single(FieldError::new("to", "zsm.error.period")));
    }
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::metrics_period;
    use jiff::civil::date;

    #[test]
    fn a_bad_or_reversed_period_is_refused_naming_the_field() {
        let today = date(2026, 11, 22);
        assert_eq!(metrics_period("", "", today).unwrap(), (date(2026, 10, 24), today));
        assert_eq!(metrics_period("2026-11-01", "2026-11-10", today).unwrap(), (date(2026, 11, 1), date(2026, 11, 10)));
        let fields = |from, to| -> Vec<String> {
            metrics_period(from, to, today).unwrap_err().iter().map(|e| format!("{}:{}", e.field, e.key)).collect()
        };
        assert_eq!(fields("yesterday", ""), ["from:error.date.invalid"]);
        assert_eq!(fields("2026-11-10", "2026-11-01"), ["to:zsm.error.period"]);
        assert_eq!(fields("0001-01-01", "9999-01-01"), ["to:error.date.out_of_range", "from:error.date.out_of_range"]);
    }
}
