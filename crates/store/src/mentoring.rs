//! Mentoring (`domain::mentoring::ports::MentoringStore`): profiles and matches as JSON of the
//! domain values with the columns they are found by, the contact log and the helpline roster.

use crate::audit::insert_audit;
use crate::notifications::insert_events;
use crate::types::{Day, Instant};
use crate::{Store, corrupt, db_error, in_list_from, in_tx, on_db, to_json};
use domain::audit::AuditEntry;
use domain::ids::{AgencyId, MemberId, PersonId};
use domain::mentoring::ports::MentoringStore;
use domain::mentoring::{Contact, MentorMatch, MentorProfile, Shift};
use domain::notifications::Event;
use domain::ports::StoreResult;
use jiff::Timestamp;
use sqlx::Row;
use uuid::Uuid;

fn parse_all<T: serde::de::DeserializeOwned>(what: &str, states: Vec<String>) -> StoreResult<Vec<T>> {
    states.iter().map(|s| serde_json::from_str(s).map_err(|e| corrupt(what, e))).collect()
}

impl Store {
    async fn states(&self, sql: &'static str, id: Uuid) -> StoreResult<Vec<String>> {
        on_db!(self, pool => sqlx::query_scalar(sql).bind(id).fetch_all(pool).await.map_err(db_error))
    }
}

impl MentoringStore for Store {
    async fn save_profile(&self, profile: &MentorProfile, now: Timestamp, audit: &[AuditEntry]) -> StoreResult<()> {
        let state = to_json(profile)?;
        in_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO mentor_profile (member_id, agency_id, state, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (member_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
            )
            .bind(profile.member.0)
            .bind(profile.agency.0)
            .bind(&state)
            .bind(Instant(now))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            for entry in audit {
                insert_audit!(tx, entry);
            }
        });
        Ok(())
    }

    async fn profile(&self, member: MemberId) -> StoreResult<Option<MentorProfile>> {
        let states = self.states("SELECT state FROM mentor_profile WHERE member_id = $1", member.0).await?;
        Ok(parse_all("mentor profile", states)?.pop())
    }

    async fn profiles(&self) -> StoreResult<Vec<MentorProfile>> {
        let states: Vec<String> = on_db!(self, pool => sqlx::query_scalar("SELECT state FROM mentor_profile ORDER BY member_id")
            .fetch_all(pool).await.map_err(db_error)?);
        parse_all("mentor profile", states)
    }

    async fn save_match(&self, matched: &MentorMatch, audit: &[AuditEntry], outbox: &[Event]) -> StoreResult<()> {
        let state = to_json(matched)?;
        in_tx!(self, tx => {
            sqlx::query("INSERT INTO mentor_match (id, person_id, mentor_id, agency_id, started_on, state) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(matched.id)
                .bind(matched.person.0)
                .bind(matched.mentor.0)
                .bind(matched.mentor_agency.0)
                .bind(Day(matched.started_on))
                .bind(&state)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            for entry in audit {
                insert_audit!(tx, entry);
            }
            insert_events!(tx, outbox);
        });
        Ok(())
    }

    async fn matches_of_mentor(&self, mentor: MemberId) -> StoreResult<Vec<MentorMatch>> {
        let states = self
            .states("SELECT state FROM mentor_match WHERE mentor_id = $1 ORDER BY started_on, id", mentor.0)
            .await?;
        parse_all("mentor match", states)
    }

    async fn matches_of_person(&self, person: PersonId) -> StoreResult<Vec<MentorMatch>> {
        let states = self
            .states("SELECT state FROM mentor_match WHERE person_id = $1 ORDER BY started_on, id", person.0)
            .await?;
        parse_all("mentor match", states)
    }

    async fn matches_of_agency(&self, agency: AgencyId) -> StoreResult<Vec<MentorMatch>> {
        let states = self
            .states("SELECT state FROM mentor_match WHERE agency_id = $1 ORDER BY started_on, id", agency.0)
            .await?;
        parse_all("mentor match", states)
    }

    async fn log_contact(&self, contact: &Contact, audit: &[AuditEntry]) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO mentor_contact (id, match_id, person_id, mentor_id, on_date, minutes, place, how_it_went) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(contact.id)
            .bind(contact.match_id)
            .bind(contact.person.0)
            .bind(contact.mentor.0)
            .bind(Day(contact.on))
            .bind(i32::from(contact.minutes))
            .bind(&contact.place)
            .bind(&contact.how_it_went)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            for entry in audit {
                insert_audit!(tx, entry);
            }
        });
        Ok(())
    }

    async fn contacts(&self, matches: &[Uuid]) -> StoreResult<Vec<Contact>> {
        if matches.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, match_id, person_id, mentor_id, on_date, minutes, place, how_it_went FROM mentor_contact \
             WHERE match_id IN ({}) ORDER BY on_date DESC, id DESC",
            in_list_from(1, matches.len())
        );
        on_db!(self, pool => {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in matches {
                query = query.bind(*id);
            }
            let rows = query.fetch_all(pool).await.map_err(db_error)?;
            rows.iter()
                .map(|row| {
                    let minutes: i32 = row.try_get(5).map_err(db_error)?;
                    Ok(Contact {
                        id: row.try_get(0).map_err(db_error)?,
                        match_id: row.try_get(1).map_err(db_error)?,
                        person: PersonId(row.try_get(2).map_err(db_error)?),
                        mentor: MemberId(row.try_get(3).map_err(db_error)?),
                        on: row.try_get::<Day, _>(4).map_err(db_error)?.0,
                        minutes: u16::try_from(minutes).unwrap_or(0),
                        place: row.try_get(6).map_err(db_error)?,
                        how_it_went: row.try_get(7).map_err(db_error)?,
                    })
                })
                .collect()
        })
    }

    async fn change_consent(
        &self,
        matched: &MentorMatch,
        change: Uuid,
        by: MemberId,
        at: Timestamp,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let state = to_json(matched)?;
        // What the person consents to now: the items and the goals they share.
        let consented =
            to_json(&serde_json::json!({"items": matched.consented, "shared_goals": matched.shared_goals}))?;
        in_tx!(self, tx => {
            sqlx::query("UPDATE mentor_match SET state = $1 WHERE id = $2")
                .bind(&state)
                .bind(matched.id)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            sqlx::query(
                "INSERT INTO mentor_consent_change (id, match_id, person_id, consented, changed_by, changed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(change)
            .bind(matched.id)
            .bind(matched.person.0)
            .bind(&consented)
            .bind(by.0)
            .bind(Instant(at))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            for entry in audit {
                insert_audit!(tx, entry);
            }
        });
        Ok(())
    }

    async fn end_match(
        &self,
        ended: &MentorMatch,
        ending: Uuid,
        by: MemberId,
        at: Timestamp,
        audit: &[AuditEntry],
        outbox: &[Event],
    ) -> StoreResult<()> {
        let state = to_json(ended)?;
        let (Some(on), Some(reason)) = (ended.ended_on, ended.ended_reason) else {
            return Err(corrupt("mentor match", "an ending without its day or reason"));
        };
        in_tx!(self, tx => {
            // Only a match that had not ended yet: two coordinators ending it at once end it once.
            let changed = sqlx::query("UPDATE mentor_match SET state = $1 WHERE id = $2 AND NOT EXISTS                  (SELECT 1 FROM mentor_match_ending e WHERE e.match_id = $2)")
                .bind(&state)
                .bind(ended.id)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?
                .rows_affected();
            if changed != 1 {
                return Err(domain::ports::StoreError::AlreadyExists("the ending of this mentor match".into()));
            }
            sqlx::query(
                "INSERT INTO mentor_match_ending (id, match_id, person_id, reason, ended_on, ended_by, recorded_at)                  VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(ending)
            .bind(ended.id)
            .bind(ended.person.0)
            .bind(reason.code())
            .bind(Day(on))
            .bind(by.0)
            .bind(Instant(at))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            for entry in audit {
                insert_audit!(tx, entry);
            }
            insert_events!(tx, outbox);
        });
        Ok(())
    }

    async fn add_shift(&self, shift: &Shift) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query("INSERT INTO helpline_shift (id, agency_id, member_id, name, starts_at, ends_at, phone) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         ON CONFLICT (id) DO UPDATE SET member_id = excluded.member_id, name = excluded.name, \
                         starts_at = excluded.starts_at, ends_at = excluded.ends_at, phone = excluded.phone")
                .bind(shift.id)
                .bind(shift.agency.0)
                .bind(shift.member.0)
                .bind(&shift.name)
                .bind(Instant(shift.starts_at))
                .bind(Instant(shift.ends_at))
                .bind(&shift.phone)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        });
        Ok(())
    }

    async fn shifts_from(&self, from: Timestamp) -> StoreResult<Vec<Shift>> {
        on_db!(self, pool => {
            let rows = sqlx::query("SELECT id, agency_id, member_id, name, starts_at, ends_at, phone FROM helpline_shift \
                                    WHERE ends_at > $1 ORDER BY starts_at LIMIT 50")
                .bind(Instant(from))
                .fetch_all(pool)
                .await
                .map_err(db_error)?;
            rows.iter()
                .map(|row| {
                    Ok(Shift {
                        id: row.try_get(0).map_err(db_error)?,
                        agency: AgencyId(row.try_get(1).map_err(db_error)?),
                        member: MemberId(row.try_get(2).map_err(db_error)?),
                        name: row.try_get(3).map_err(db_error)?,
                        starts_at: row.try_get::<Instant, _>(4).map_err(db_error)?.0,
                        ends_at: row.try_get::<Instant, _>(5).map_err(db_error)?.0,
                        phone: row.try_get(6).map_err(db_error)?,
                    })
                })
                .collect()
        })
    }
}
