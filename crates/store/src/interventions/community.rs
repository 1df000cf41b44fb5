//! Community links (`domain::interventions::ports::community::CommunityStore`).

use crate::audit::insert_audit;
use crate::read::params;
use crate::types::Instant;
use crate::{Store, db_error, in_tx};
use domain::audit::AuditEntry;
use domain::ids::{InterventionId, MemberId, PersonId};
use domain::interventions::model::community::CommunityLink;
use domain::interventions::ports::community::CommunityStore;
use domain::ports::StoreResult;
use uuid::Uuid;

impl CommunityStore for Store {
    async fn link_community(&self, link: &CommunityLink, audit: &[AuditEntry]) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO community_link (id, person_id, intervention_id, activity, goal, linked_by, linked_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(link.id)
            .bind(link.person.0)
            .bind(*link.intervention.as_uuid())
            .bind(&link.activity)
            .bind(&link.goal)
            .bind(link.linked_by.0)
            .bind(Instant(link.linked_at))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            for entry in audit {
                insert_audit!(tx, entry);
            }
        });
        Ok(())
    }

    async fn community_links(&self, person: PersonId) -> StoreResult<Vec<CommunityLink>> {
        let sql = "SELECT id, intervention_id, activity, goal, linked_by, linked_at FROM community_link \
                   WHERE person_id = $1 ORDER BY linked_at DESC, id DESC";
        let rows: Vec<(Uuid, Uuid, String, String, Uuid, Instant)> = self.read_all(sql, params![person.0]).await?;
        Ok(rows
            .into_iter()
            .map(|(id, intervention, activity, goal, by, at)| CommunityLink {
                id,
                person,
                intervention: InterventionId::from_uuid(intervention),
                activity,
                goal,
                linked_by: MemberId(by),
                linked_at: at.0,
            })
            .collect())
    }
}
