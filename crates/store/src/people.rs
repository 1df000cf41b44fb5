//! People, their identifiers, name-search tokens, revisions and case teams.

use crate::audit::insert_audit;
use crate::read::{self, Joined, params, read_row_struct};
use crate::search::{SearchParam, SearchPlan};
use crate::types::{Day, Instant};
use crate::versioned::save_versioned;
use crate::{Store, corrupt, db_error, in_list, in_list_from, in_tx};
use domain::access::{LegalBasis, TeamEntry};
use domain::audit::AuditEntry;
use domain::ids::{AgencyId, MemberId, PersonId, TeamEntryId};
use domain::people::ports::{PeopleStore, PersonRecord, PersonRevision, PersonSummary, TeamEntryNames};
use domain::people::{Identifier, IdentifierKind, Person, PersonDraft, PersonQuery, Sex};
use domain::ports::{StoreError, StoreResult};
use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::AssertSqlSafe;
use uuid::Uuid;

read_row_struct! {
    /// The columns of `PERSON_COLUMNS`, in order.
    struct PersonRow {
        id: Uuid,
        family_name: String,
        given_names: Option<String>,
        birth_date: Option<Day>,
        sex: String,
        address: Option<String>,
        postcode: Option<String>,
        city: Option<String>,
        phone: Option<String>,
        email: Option<String>,
        version: i64,
        created_at: Instant,
        created_by: Uuid,
        updated_at: Instant,
        updated_by: Uuid,
        languages: String,
    }
}

/// kind, value
type IdentifierRow = (String, String);

/// `PersonRow` followed by one identifier's kind and value (none: the person has none).
type PersonIdentifierRow = Joined<PersonRow, (Option<String>, Option<String>)>;

/// id, family_name, given_names, birth_date
type SummaryRow = (Uuid, String, Option<String>, Option<Day>);

read_row_struct! {
    /// The columns of `TEAM_COLUMNS`, in order.
    struct TeamRow {
        id: Uuid,
        person_id: Uuid,
        agency_id: Uuid,
        basis_kind: String,
        statute: Option<String>,
        consent_scope: Option<String>,
        consent_expires_on: Option<Day>,
        court_order_reference: Option<String>,
        reason: String,
        added_by: Uuid,
        added_at: Instant,
        ended_at: Option<Instant>,
    }
}

const TEAM_COLUMNS: &str = "id, person_id, agency_id, basis_kind, statute, consent_scope, consent_expires_on, \
     court_order_reference, reason, added_by, added_at, ended_at";

const PERSON_COLUMNS: &str = "id, family_name, given_names, birth_date, sex, address, postcode, city, phone, email, \
     version, created_at, created_by, updated_at, updated_by, languages";

/// `columns` ("a, b") each qualified by `table` ("t.a, t.b").
fn prefixed(table: &str, columns: &str) -> String {
    columns.split(", ").map(|column| format!("{table}.{}", column.trim())).collect::<Vec<_>>().join(", ")
}

fn into_person(row: PersonRow, identifiers: Vec<IdentifierRow>) -> StoreResult<Person> {
    let identifiers = identifiers
        .into_iter()
        .map(|(kind, value)| {
            let kind: IdentifierKind = kind.parse().map_err(|_| corrupt("identifier kind", &kind))?;
            Ok(Identifier { kind, value })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Person {
        id: PersonId::from_uuid(row.id),
        details: PersonDraft {
            family_name: row.family_name,
            given_names: row.given_names,
            birth_date: row.birth_date.map(|d| d.0),
            sex: row.sex.parse::<Sex>().map_err(|_| corrupt("sex", &row.sex))?,
            address: row.address,
            postcode: row.postcode,
            city: row.city,
            phone: row.phone,
            email: row.email,
            identifiers,
            languages: row.languages.split(',').filter(|l| !l.is_empty()).map(String::from).collect(),
        },
        version: row.version,
        created_at: row.created_at.0,
        created_by: MemberId::from_uuid(row.created_by),
        updated_at: row.updated_at.0,
        updated_by: MemberId::from_uuid(row.updated_by),
    })
}

fn into_summary((id, family_name, given_names, birth_date): SummaryRow) -> PersonSummary {
    PersonSummary { id: PersonId::from_uuid(id), family_name, given_names, birth_date: birth_date.map(|d| d.0) }
}

/// Ids per `IN (…)` list: statements stay small and few distinct lengths get prepared.
const IN_LIST_CHUNK: usize = 200;

fn into_team_entry(row: TeamRow) -> StoreResult<TeamEntry> {
    let missing = |field: &str| corrupt("team entry", format!("{field} missing"));
    let basis = match row.basis_kind.as_str() {
        "statutory_task" => LegalBasis::StatutoryTask { statute: row.statute.ok_or_else(|| missing("statute"))? },
        "consent" => LegalBasis::Consent {
            scope: row.consent_scope.ok_or_else(|| missing("consent_scope"))?,
            expires_on: row.consent_expires_on.ok_or_else(|| missing("consent_expires_on"))?.0,
        },
        "court_order" => LegalBasis::CourtOrder {
            reference: row.court_order_reference.ok_or_else(|| missing("court_order_reference"))?,
        },
        other => return Err(corrupt("basis kind", other)),
    };
    Ok(TeamEntry {
        id: TeamEntryId::from_uuid(row.id),
        person_id: PersonId::from_uuid(row.person_id),
        agency_id: AgencyId::from_uuid(row.agency_id),
        basis,
        reason: row.reason,
        added_by: MemberId::from_uuid(row.added_by),
        added_at: row.added_at.0,
        ended_at: row.ended_at.map(|i| i.0),
    })
}

/// Writes the rows derived from a person's details: identifiers, search tokens, a revision.
macro_rules! write_details {
    ($tx:ident, $id:expr, $version:expr, $details:expr, $at:expr, $by:expr) => {{
        for identifier in &$details.identifiers {
            sqlx::query("INSERT INTO person_identifier (kind, value, person_id) VALUES ($1, $2, $3)")
                .bind(identifier.kind.code())
                .bind(&identifier.value)
                .bind($id)
                .execute(&mut *$tx)
                .await
                .map_err(db_error)?;
        }
        for token in $details.name_tokens() {
            sqlx::query("INSERT INTO person_name_token (token, person_id) VALUES ($1, $2)")
                .bind(token)
                .bind($id)
                .execute(&mut *$tx)
                .await
                .map_err(db_error)?;
        }
        let json = $crate::to_json($details)?;
        sqlx::query(
            "INSERT INTO person_revision (person_id, version, details, saved_at, saved_by) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind($id)
        .bind($version)
        .bind(json)
        .bind(Instant($at))
        .bind($by)
        .execute(&mut *$tx)
        .await
        .map_err(db_error)?;
    }};
}

impl Store {
    /// After a unique violation on insert: name the identifier and who holds it.
    async fn explain_duplicate(&self, error: StoreError, details: &PersonDraft, except: PersonId) -> StoreError {
        if !matches!(error, StoreError::AlreadyExists(_)) {
            return error;
        }
        match self.holder_of(&details.identifiers, Some(except)).await {
            Ok(Some((identifier, existing))) => StoreError::DuplicateIdentifier { identifier, existing },
            Ok(None) => error,
            Err(other) => other,
        }
    }
}

impl PeopleStore for Store {
    async fn create_person(&self, person: &Person, team: &TeamEntry, audit: &AuditEntry) -> StoreResult<()> {
        let id = *person.id.as_uuid();
        let details = &person.details;
        let result: StoreResult<()> = async {
            in_tx!(self, tx => {
                let sql = AssertSqlSafe(format!(
                    "INSERT INTO person ({PERSON_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
                ));
                sqlx::query(sql)
                    .bind(id)
                    .bind(&details.family_name)
                    .bind(&details.given_names)
                    .bind(details.birth_date.map(Day))
                    .bind(details.sex.code())
                    .bind(&details.address)
                    .bind(&details.postcode)
                    .bind(&details.city)
                    .bind(&details.phone)
                    .bind(&details.email)
                    .bind(person.version)
                    .bind(Instant(person.created_at))
                    .bind(*person.created_by.as_uuid())
                    .bind(Instant(person.updated_at))
                    .bind(*person.updated_by.as_uuid())
                    .bind(details.languages.join(","))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                write_details!(tx, id, person.version, details, person.created_at, *person.created_by.as_uuid());
                crate::team_writes::insert_team_entries!(tx, std::slice::from_ref(team));
                insert_audit!(tx, audit);
            });
            Ok(())
        }
        .await;
        match result {
            Err(error) => Err(self.explain_duplicate(error, details, person.id).await),
            ok => ok,
        }
    }

    async fn update_person(
        &self,
        id: PersonId,
        expected_version: i64,
        details: &PersonDraft,
        at: Timestamp,
        by: MemberId,
        audit: &AuditEntry,
    ) -> StoreResult<Person> {
        let uuid = *id.as_uuid();
        let version = expected_version + 1;
        let result: StoreResult<()> = async {
            in_tx!(self, tx => {
                save_versioned!(tx, "person", id: uuid, version: version,
                    set {
                        family_name: &details.family_name,
                        given_names: &details.given_names,
                        birth_date: details.birth_date.map(Day),
                        sex: details.sex.code(),
                        address: &details.address,
                        postcode: &details.postcode,
                        city: &details.city,
                        phone: &details.phone,
                        email: &details.email,
                        languages: details.languages.join(","),
                        updated_at: Instant(at),
                        updated_by: *by.as_uuid(),
                    });
                sqlx::query("DELETE FROM person_identifier WHERE person_id = $1").bind(uuid).execute(&mut *tx).await.map_err(db_error)?;
                sqlx::query("DELETE FROM person_name_token WHERE person_id = $1").bind(uuid).execute(&mut *tx).await.map_err(db_error)?;
                write_details!(tx, uuid, version, details, at, *by.as_uuid());
                crate::team_writes::refresh_team_name_tokens!(tx, uuid);
                insert_audit!(tx, audit);
            });
            Ok(())
        }
        .await;
        if let Err(error) = result {
            return Err(self.explain_duplicate(error, details, id).await);
        }
        self.person(id).await?.ok_or(StoreError::NotFound)
    }

    /// The person with their identifiers, in one statement (one row per identifier): on
    /// PostgreSQL every statement of the person page is a round trip.
    async fn person(&self, id: PersonId) -> StoreResult<Option<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS}, i.kind, i.value FROM person \
             LEFT JOIN person_identifier i ON i.person_id = person.id WHERE person.id = $1 ORDER BY i.kind, i.value"
        );
        let rows: Vec<PersonIdentifierRow> = self.read_all(&sql, params![*id.as_uuid()]).await?;
        let mut identifiers = Vec::new();
        let mut person = None;
        for Joined(row, identifier) in rows {
            if let (Some(kind), Some(value)) = identifier {
                identifiers.push((kind, value));
            }
            person.get_or_insert(row);
        }
        person.map(|row| into_person(row, identifiers)).transpose()
    }

    async fn person_record(&self, id: PersonId) -> StoreResult<Option<PersonRecord>> {
        // One row per identifier and team entry (a person has a few of each): on PostgreSQL
        // every statement is a round trip, and this is the first read of every person view.
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            format!(
                "SELECT {}, i.kind, i.value, {}, a.name, m.display_name FROM person p \
                 LEFT JOIN person_identifier i ON i.person_id = p.id \
                 LEFT JOIN team_entry te ON te.person_id = p.id \
                 LEFT JOIN agency a ON a.id = te.agency_id LEFT JOIN member m ON m.id = te.added_by \
                 WHERE p.id = $1 ORDER BY i.kind, i.value, te.added_at, te.id",
                prefixed("p", PERSON_COLUMNS),
                prefixed("te", TEAM_COLUMNS)
            )
        });
        type RecordRow = Joined<PersonIdentifierRow, Option<Joined<TeamRow, (String, String)>>>;
        let rows: Vec<RecordRow> = self.read_all(&SQL, params![*id.as_uuid()]).await?;
        let mut person = None;
        let mut identifiers: Vec<IdentifierRow> = Vec::new();
        let mut team: Vec<TeamEntry> = Vec::new();
        let mut team_names = Vec::new();
        for Joined(Joined(row, identifier), entry) in rows {
            if let (Some(kind), Some(value)) = identifier
                && !identifiers.iter().any(|(seen_kind, seen)| *seen_kind == kind && *seen == value)
            {
                identifiers.push((kind, value));
            }
            person.get_or_insert(row);
            if let Some(Joined(entry, (agency, added_by))) = entry
                && !team.iter().any(|seen| *seen.id.as_uuid() == entry.id)
            {
                let entry = into_team_entry(entry)?;
                team_names.push(TeamEntryNames { entry: entry.id, agency, added_by });
                team.push(entry);
            }
        }
        let Some(person) = person else { return Ok(None) };
        team.sort_by_key(|entry| (entry.added_at, entry.id));
        Ok(Some(PersonRecord { person: into_person(person, identifiers)?, team, team_names }))
    }

    async fn revisions(&self, id: PersonId) -> StoreResult<Vec<PersonRevision>> {
        let sql =
            "SELECT version, details, saved_at, saved_by FROM person_revision WHERE person_id = $1 ORDER BY version";
        let rows: Vec<(i64, String, Instant, Uuid)> = self.read_all(sql, params![*id.as_uuid()]).await?;
        rows.into_iter()
            .map(|(version, details, saved_at, saved_by)| {
                Ok(PersonRevision {
                    version,
                    details: serde_json::from_str(&details).map_err(|e| corrupt("revision", e))?,
                    saved_at: saved_at.0,
                    saved_by: MemberId::from_uuid(saved_by),
                })
            })
            .collect()
    }

    async fn search_people(
        &self,
        query: &PersonQuery,
        agency: AgencyId,
        today: Date,
        limit: u32,
    ) -> StoreResult<Vec<PersonSummary>> {
        let query = self.rarest_first(query, agency).await?;
        let plan = SearchPlan::new(&query, limit);
        let mut bound = vec![read::Param::Uuid(*agency.as_uuid()), read::Param::Day(Day(today))];
        bound.extend(plan.params.iter().map(|value| match value {
            SearchParam::Text(text) => read::Param::Text(text),
            SearchParam::Date(date) => read::Param::Day(Day(*date)),
        }));
        let rows: Vec<SummaryRow> = self.read_all(&plan.sql, &bound).await?;
        Ok(rows.into_iter().map(into_summary).collect())
    }

    async fn holder_of(
        &self,
        identifiers: &[Identifier],
        except: Option<PersonId>,
    ) -> StoreResult<Option<(Identifier, PersonId)>> {
        for identifier in identifiers {
            let sql = "SELECT person_id FROM person_identifier WHERE kind = $1 AND value = $2";
            let holder: Option<(Uuid,)> =
                self.read_optional(sql, params![identifier.kind.code(), &identifier.value]).await?;
            if let Some(holder) = holder.map(|(id,)| PersonId::from_uuid(id))
                && Some(holder) != except
            {
                return Ok(Some((identifier.clone(), holder)));
            }
        }
        Ok(None)
    }

    async fn team(&self, person: PersonId) -> StoreResult<Vec<TeamEntry>> {
        let sql = format!("SELECT {TEAM_COLUMNS} FROM team_entry WHERE person_id = $1 ORDER BY added_at, id");
        let rows: Vec<TeamRow> = self.read_all(&sql, params![*person.as_uuid()]).await?;
        rows.into_iter().map(into_team_entry).collect()
    }

    async fn open_entries_of(&self, agency: AgencyId, persons: &[PersonId]) -> StoreResult<Vec<TeamEntry>> {
        let mut entries = Vec::new();
        for chunk in persons.chunks(IN_LIST_CHUNK) {
            // `$1` is the agency; the persons follow from `$2`.
            let sql = format!(
                "SELECT {TEAM_COLUMNS} FROM team_entry WHERE agency_id = $1 AND ended_at IS NULL AND person_id IN ({})",
                in_list_from(2, chunk.len())
            );
            let ids: Vec<read::Param> = std::iter::once(read::Param::Uuid(*agency.as_uuid()))
                .chain(chunk.iter().map(|p| read::Param::Uuid(*p.as_uuid())))
                .collect();
            let rows: Vec<TeamRow> = self.read_all(&sql, &ids).await?;
            for row in rows {
                entries.push(into_team_entry(row)?);
            }
        }
        entries.sort_by_key(|entry| (entry.person_id, entry.added_at, entry.id));
        Ok(entries)
    }

    async fn summaries(&self, persons: &[PersonId]) -> StoreResult<Vec<PersonSummary>> {
        let mut summaries = Vec::new();
        for chunk in persons.chunks(IN_LIST_CHUNK) {
            let sql = format!(
                "SELECT id, family_name, given_names, birth_date FROM person WHERE id IN ({})",
                in_list(chunk.len())
            );
            let ids: Vec<read::Param> = chunk.iter().map(|p| read::Param::Uuid(*p.as_uuid())).collect();
            let rows: Vec<SummaryRow> = self.read_all(&sql, &ids).await?;
            summaries.extend(rows.into_iter().map(into_summary));
        }
        Ok(summaries)
    }

    async fn add_team_entry(&self, entry: &TeamEntry, audit: &AuditEntry) -> StoreResult<()> {
        in_tx!(self, tx => {
            crate::team_writes::insert_team_entries!(tx, std::slice::from_ref(entry));
            insert_audit!(tx, audit);
        });
        Ok(())
    }

    async fn end_team_entry(
        &self,
        entry: TeamEntryId,
        at: Timestamp,
        by: MemberId,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        in_tx!(self, tx => {
            let person: Option<Uuid> = sqlx::query_scalar(
                "UPDATE team_entry SET ended_at = $1, ended_by = $2 WHERE id = $3 AND ended_at IS NULL RETURNING person_id",
            )
            .bind(Instant(at))
            .bind(*by.as_uuid())
            .bind(*entry.as_uuid())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
            let Some(person) = person else {
                return Err(StoreError::NotFound);
            };
            crate::team_writes::refresh_team_name_tokens!(tx, person);
            insert_audit!(tx, audit);
        });
        Ok(())
    }
}
