//! Triage requests and case conference meetings: each the domain's value as JSON with the
//! columns lists filter on and a version against lost updates; one write (requests,
//! meetings, audit) is one transaction. The persons on each agenda are indexed for the
//! person's conference page.

use crate::audit::insert_audit;
use crate::invitations::save_invitations;
use crate::notifications::insert_events;
use crate::plan::write_plan_step;
use crate::team_writes::insert_team_entries;
use crate::types::{Day, Instant};
use crate::versioned::save_versioned;
use crate::{Store, corrupt, db_error, in_tx, on_db, to_json};
use domain::conference::ports::{ConferenceStore, ConferenceWrite, StoredMeeting, StoredRequest};
use domain::conference::{ConferenceRequest, Meeting, MeetingStatus};
use domain::ids::{ConferenceRequestId, MeetingId, PersonId};
use domain::plan::Plan;
use domain::plan::ports::PlanEvent;
use domain::ports::StoreResult;
use jiff::civil::Date;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct Row {
    state: String,
    version: i64,
}

fn request_of(row: Row) -> StoreResult<StoredRequest> {
    let request = serde_json::from_str(&row.state).map_err(|e| corrupt("conference request", e))?;
    Ok(StoredRequest { request, version: row.version })
}

fn meeting_of(row: Row) -> StoreResult<StoredMeeting> {
    let meeting = serde_json::from_str(&row.state).map_err(|e| corrupt("conference meeting", e))?;
    Ok(StoredMeeting { meeting, version: row.version })
}

fn meeting_status(meeting: &Meeting) -> &'static str {
    match meeting.status {
        MeetingStatus::Planned => "planned",
        MeetingStatus::Closed { .. } => "closed",
        MeetingStatus::Cancelled { .. } => "cancelled",
    }
}

impl Store {
    async fn requests_where(&self, sql: &str, id: Option<Uuid>) -> StoreResult<Vec<StoredRequest>> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        let rows: Vec<Row> = on_db!(self, pool => match id {
            Some(id) => sqlx::query_as(sql).bind(id).fetch_all(pool).await,
            None => sqlx::query_as(sql).fetch_all(pool).await,
        })
        .map_err(db_error)?;
        rows.into_iter().map(request_of).collect()
    }
}

impl ConferenceStore for Store {
    async fn write_conference(&self, write: &ConferenceWrite<'_>) -> StoreResult<()> {
        let requests: Vec<(&ConferenceRequest, i64, String)> =
            write.requests.iter().map(|(r, v)| Ok((*r, *v, to_json(r)?))).collect::<StoreResult<_>>()?;
        let meetings: Vec<(&Meeting, i64, String)> =
            write.meetings.iter().map(|(m, v)| Ok((*m, *v, to_json(m)?))).collect::<StoreResult<_>>()?;
        let plan_steps: Vec<(&PlanEvent, &Plan, String)> = write
            .plans
            .iter()
            .flat_map(|p| &p.steps)
            .map(|(event, plan)| Ok((event, plan, to_json(plan)?)))
            .collect::<StoreResult<_>>()?;
        in_tx!(self, tx => {
            for (request, version, state) in &requests {
                save_versioned!(tx, "conference_request", id: request.id.0, version: *version,
                    insert {
                        person_id: request.person.0,
                        triage_on: Day(request.triage_on),
                        submitted_at: Instant(request.submitted_at),
                    },
                    set { status: request.status.name(), state: state });
            }
            for (meeting, version, state) in &meetings {
                save_versioned!(tx, "conference_meeting", id: meeting.id.0, version: *version,
                    insert { meeting_on: Day(meeting.date) },
                    set { status: meeting_status(meeting), state: state });
                sqlx::query("DELETE FROM conference_agenda WHERE meeting_id = $1")
                    .bind(meeting.id.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                for item in &meeting.agenda {
                    sqlx::query("INSERT INTO conference_agenda (meeting_id, person_id) VALUES ($1, $2)")
                        .bind(meeting.id.0)
                        .bind(item.person.0)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                }
            }
            insert_team_entries!(tx, &write.team);
            save_invitations!(tx, write.invitations.iter().map(|i| (i, &1i64)));
            for (event, plan, state) in &plan_steps {
                write_plan_step!(tx, *plan, *event, state);
            }
            for audit in &write.audit {
                insert_audit!(tx, audit);
            }
            insert_events!(tx, &write.outbox);
        });
        Ok(())
    }

    async fn conference_request(&self, id: ConferenceRequestId) -> StoreResult<Option<StoredRequest>> {
        let sql = "SELECT state, version FROM conference_request WHERE id = $1";
        Ok(self.requests_where(sql, Some(id.0)).await?.pop())
    }

    async fn conference_requests_of(&self, person: PersonId) -> StoreResult<Vec<StoredRequest>> {
        let sql =
            "SELECT state, version FROM conference_request WHERE person_id = $1 ORDER BY submitted_at DESC, id DESC";
        self.requests_where(sql, Some(*person.as_uuid())).await
    }

    async fn open_conference_requests(&self) -> StoreResult<Vec<StoredRequest>> {
        let sql = "SELECT state, version FROM conference_request WHERE status IN ('requested', 'accepted') \
                   ORDER BY triage_on, submitted_at, id";
        self.requests_where(sql, None).await
    }

    async fn meeting(&self, id: MeetingId) -> StoreResult<Option<StoredMeeting>> {
        let sql = "SELECT state, version FROM conference_meeting WHERE id = $1";
        let row: Option<Row> =
            on_db!(self, pool => sqlx::query_as(sql).bind(id.0).fetch_optional(pool).await).map_err(db_error)?;
        row.map(meeting_of).transpose()
    }

    async fn meetings_from(&self, from: Date, limit: u32) -> StoreResult<Vec<StoredMeeting>> {
        let sql =
            "SELECT state, version FROM conference_meeting WHERE meeting_on >= $1 ORDER BY meeting_on, id LIMIT $2";
        let rows: Vec<Row> = on_db!(self, pool => {
            sqlx::query_as(sql).bind(Day(from)).bind(i64::from(limit)).fetch_all(pool).await
        })
        .map_err(db_error)?;
        rows.into_iter().map(meeting_of).collect()
    }

    async fn meetings_of(&self, person: PersonId) -> StoreResult<Vec<StoredMeeting>> {
        let sql = "SELECT m.state, m.version FROM conference_meeting m \
                   JOIN conference_agenda a ON a.meeting_id = m.id WHERE a.person_id = $1 \
                   ORDER BY m.meeting_on DESC, m.id DESC";
        let rows: Vec<Row> = on_db!(self, pool => {
            sqlx::query_as(sql).bind(*person.as_uuid()).fetch_all(pool).await
        })
        .map_err(db_error)?;
        rows.into_iter().map(meeting_of).collect()
    }
}
