//! Writes to a person's case team, shared by the stores of every capability that puts an
//! agency on a team (people, ZSM intake): the team entry itself, and what is derived from the
//! team in the same transaction — the per-agency search entries and the ZSM boards that list
//! the person.

use crate::types::Day;
use domain::access::LegalBasis;

/// The columns of a legal basis, in the order the team_entry insert binds them.
pub(crate) fn basis_columns(basis: &LegalBasis) -> (Option<&str>, Option<&str>, Option<Day>, Option<&str>) {
    match basis {
        LegalBasis::StatutoryTask { statute } => (Some(statute), None, None, None),
        LegalBasis::Consent { scope, expires_on } => (None, Some(scope), Some(Day(*expires_on)), None),
        LegalBasis::CourtOrder { reference } => (None, None, None, Some(reference)),
    }
}

pub(crate) const INSERT_TEAM_ENTRY: &str = "INSERT INTO team_entry (id, person_id, agency_id, basis_kind, statute, consent_scope, \
     consent_expires_on, court_order_reference, reason, added_by, added_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// Inserts team entries, then rebuilds the search index once for each person they concern
/// (a ZSM intake puts several agencies on one suspect's team in one write).
macro_rules! insert_team_entries {
    ($tx:ident, $entries:expr) => {{
        let entries: &[domain::access::TeamEntry] = $entries;
        for entry in entries {
            let (statute, scope, expires, reference) = $crate::team_writes::basis_columns(&entry.basis);
            sqlx::query($crate::team_writes::INSERT_TEAM_ENTRY)
                .bind(*entry.id.as_uuid())
                .bind(*entry.person_id.as_uuid())
                .bind(*entry.agency_id.as_uuid())
                .bind(entry.basis.kind())
                .bind(statute)
                .bind(scope)
                .bind(expires)
                .bind(reference)
                .bind(&entry.reason)
                .bind(*entry.added_by.as_uuid())
                .bind($crate::types::Instant(entry.added_at))
                .execute(&mut *$tx)
                .await
                .map_err($crate::db_error)?;
        }
        let mut people: Vec<uuid::Uuid> = entries.iter().map(|e| *e.person_id.as_uuid()).collect();
        people.sort_unstable();
        people.dedup();
        for person in people {
            $crate::team_writes::refresh_team_name_tokens!($tx, person);
        }
    }};
}

/// For the stores of other capabilities that put agencies on a team within their own writes.
pub(crate) use insert_team_entries;

/// The person's name words once per agency with an open team entry (see migration 0005),
/// each entry carrying all of the person's words in `$2` (migration 0016) and the day the
/// agency's reason to see them ends: NULL while an open entry has no expiry, else the latest
/// consent expiry (migration 0020).
pub(crate) const REFRESH_TEAM_NAME_TOKENS: &str = "INSERT INTO team_name_token \
     (agency_id, token, person_id, names, consent_expires_on) \
     SELECT te.agency_id, t.token, t.person_id, $2, \
     CASE WHEN count(*) > count(te.consent_expires_on) THEN NULL ELSE max(te.consent_expires_on) END \
     FROM team_entry te JOIN person_name_token t ON t.person_id = te.person_id \
     WHERE te.person_id = $1 AND te.ended_at IS NULL GROUP BY te.agency_id, t.token, t.person_id";

/// Rebuilds a person's part of the per-agency search index after their name or team changed,
/// inside the transaction of that change, so search never sees one without the other; and
/// tells the ZSM boards listing the person to read their lists again.
macro_rules! refresh_team_name_tokens {
    ($tx:ident, $person:expr) => {{
        let person: uuid::Uuid = $person;
        sqlx::query("DELETE FROM team_name_token WHERE person_id = $1")
            .bind(person)
            .execute(&mut *$tx)
            .await
            .map_err($crate::db_error)?;
        let tokens: Vec<String> =
            sqlx::query_scalar("SELECT token FROM person_name_token WHERE person_id = $1 ORDER BY token")
                .bind(person)
                .fetch_all(&mut *$tx)
                .await
                .map_err($crate::db_error)?;
        sqlx::query($crate::team_writes::REFRESH_TEAM_NAME_TOKENS)
            .bind(person)
            .bind($crate::search::name_line(&tokens))
            .execute(&mut *$tx)
            .await
            .map_err($crate::db_error)?;
        // The boards listing the person's cases show their name and depend on their team.
        $crate::zsm::board::touch_boards_of_suspect!($tx, person);
    }};
}

pub(crate) use refresh_team_name_tokens;
