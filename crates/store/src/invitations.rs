//! Invitations onto a person's case team: the domain's Invitation as JSON with the columns the
//! invited agency's list filters on, and a version against two answers at once. Answering
//! writes the invitation, the agency's team entry, the audit entries and the outbox events in
//! one transaction.

use crate::audit::insert_audit;
use crate::notifications::insert_events;
use crate::team_writes::insert_team_entries;
use crate::{Store, corrupt, db_error, in_tx, on_db};
use domain::conference::ports::{InvitationStore, InvitationWrite, StoredInvitation};
use domain::ids::{AgencyId, InvitationId, PersonId};
use domain::ports::StoreResult;

#[derive(sqlx::FromRow)]
struct Row {
    state: String,
    version: i64,
}

fn invitation_of(row: Row) -> StoreResult<StoredInvitation> {
    let invitation = serde_json::from_str(&row.state).map_err(|e| corrupt("team invitation", e))?;
    Ok(StoredInvitation { invitation, version: row.version })
}

/// Saves invitations at their version on the open transaction (1 inserts one).
macro_rules! save_invitations {
    ($tx:ident, $invitations:expr) => {{
        for (invitation, version) in $invitations {
            let invitation: &domain::conference::Invitation = invitation;
            let state = $crate::to_json(invitation)?;
            $crate::versioned::save_versioned!($tx, "team_invitation", id: invitation.id.0, version: *version,
                insert {
                    person_id: invitation.person.0,
                    agency_id: invitation.agency.0,
                    invited_at: $crate::types::Instant(invitation.invited_at),
                },
                set { status: invitation.status.name(), state: state.as_str() });
        }
    }};
}
pub(crate) use save_invitations;

impl Store {
    async fn invitations_where(&self, sql: &'static str, id: uuid::Uuid) -> StoreResult<Vec<StoredInvitation>> {
        let rows: Vec<Row> =
            on_db!(self, pool => sqlx::query_as(sql).bind(id).fetch_all(pool).await).map_err(db_error)?;
        rows.into_iter().map(invitation_of).collect()
    }
}

impl InvitationStore for Store {
    async fn write_invitations(&self, write: &InvitationWrite<'_>) -> StoreResult<()> {
        in_tx!(self, tx => {
            save_invitations!(tx, write.invitations.iter().map(|(i, v)| (*i, v)));
            insert_team_entries!(tx, &write.team);
            for audit in &write.audit {
                insert_audit!(tx, audit);
            }
            insert_events!(tx, &write.outbox);
        });
        Ok(())
    }

    async fn invitation(&self, id: InvitationId) -> StoreResult<Option<StoredInvitation>> {
        let sql = "SELECT state, version FROM team_invitation WHERE id = $1";
        Ok(self.invitations_where(sql, id.0).await?.pop())
    }

    async fn open_invitations(&self, agency: AgencyId) -> StoreResult<Vec<StoredInvitation>> {
        let sql = "SELECT state, version FROM team_invitation WHERE agency_id = $1 AND status = 'open' \
                   ORDER BY invited_at, id";
        self.invitations_where(sql, agency.0).await
    }

    async fn invitations_of(&self, person: PersonId) -> StoreResult<Vec<StoredInvitation>> {
        let sql = "SELECT state, version FROM team_invitation WHERE person_id = $1 ORDER BY invited_at, id";
        self.invitations_where(sql, person.0).await
    }
}
