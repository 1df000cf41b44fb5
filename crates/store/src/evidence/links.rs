//! The match report (`domain::cohort::ports::LinkReportStore`): how the case system's persons
//! link to the offence record by their identifiers, by the rule of [`Store::person_links`]
//! (the one the evidence uses), with who is unmatched or ambiguous.

use crate::Store;
use crate::read::Param;
use crate::read::params;
use domain::cohort::ports::LinkReportStore;
use domain::cohort::{LinkIdentifier, LinkOverview};
use domain::ids::PersonId;
use domain::ports::StoreResult;
use uuid::Uuid;

/// Persons per `IN (…)` list.
const CHUNK: usize = 200;

impl LinkReportStore for Store {
    async fn link_overview(&self) -> StoreResult<LinkOverview> {
        let report = self.person_links().await?;
        let persons: Vec<(Uuid,)> = self.read_all("SELECT id FROM person ORDER BY id", params![]).await?;
        let unmatched = persons
            .into_iter()
            .map(|(p,)| p)
            .filter(|p| !report.matched.contains_key(p) && !report.ambiguous.contains(p))
            .map(PersonId::from_uuid)
            .collect();
        Ok(LinkOverview {
            matched: report.matched.len() as u64,
            unmatched,
            ambiguous: report.ambiguous.into_iter().map(PersonId::from_uuid).collect(),
        })
    }

    async fn link_identifiers(&self, persons: &[PersonId]) -> StoreResult<Vec<LinkIdentifier>> {
        let mut found = Vec::new();
        for chunk in persons.chunks(CHUNK) {
            // Holders are counted across kinds (the link compares values only); the kinds
            // list lets the (kind, value) key find them instead of a scan per identifier.
            let sql = format!(
                "SELECT i.person_id, i.kind, i.value, \
                 CASE WHEN EXISTS (SELECT 1 FROM evidence_person e WHERE e.source_id = i.value) THEN 1 ELSE 0 END, \
                 (SELECT count(DISTINCT h.person_id) FROM person_identifier h \
                  WHERE h.kind IN (SELECT DISTINCT kind FROM person_identifier) AND h.value = i.value) \
                 FROM person_identifier i WHERE i.person_id IN ({}) ORDER BY i.person_id, i.kind, i.value",
                crate::in_list(chunk.len())
            );
            let ids: Vec<Param> = chunk.iter().map(|p| Param::Uuid(*p.as_uuid())).collect();
            let rows: Vec<(Uuid, String, String, i64, i64)> = self.read_all(&sql, &ids).await?;
            found.extend(rows.into_iter().map(|(person, kind, value, in_record, holders)| LinkIdentifier {
                person: PersonId::from_uuid(person),
                kind,
                value,
                in_record: in_record == 1,
                holders: u32::try_from(holders).unwrap_or(u32::MAX),
            }));
        }
        Ok(found)
    }
}
