//! What a location's members see across cases: the live board, obligations to monitor, and
//! the metrics (aggregates only).

use crate::zsm::service::*;

impl<S: ZsmStore + PeopleStore + AuditLog + DirectoryStore> Zsm<'_, S> {
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

    /// Metrics of a location over local dates `from..=to`. Aggregates only, so not audited
    /// per person.
    pub async fn metrics(
        &self,
        actor: &Actor,
        location: &str,
        from: Date,
        to: Date,
    ) -> ServiceResult<(ZsmLocation, Metrics)> {
        Self::require_any_role(actor, &METRICS_ROLES)?;
        let (location, pack) = self.location(location).await?;
        if to < from {
            return Err(invalid(FieldError::new("to", "zsm.error.period")));
        }
        let zone = &pack.time_zone;
        let start = from.to_zoned(zone.clone()).map_err(|_| ZsmError::TimeOutOfRange)?.timestamp();
        let end =
            to.tomorrow().and_then(|d| d.to_zoned(zone.clone())).map_err(|_| ZsmError::TimeOutOfRange)?.timestamp();
        let rows = self.store.metrics_rows(&location.code, start, end).await?;
        Ok((location, metrics(&rows, zone, from, to)))
    }
}
