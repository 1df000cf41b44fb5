//! The outbox (`domain::notifications`): events written in the transaction of the change they
//! report (`insert_events!`), read as members' notifications, and followed by consumers.
//!
//! Positions come from the single `outbox_head` row, updated in the writing transaction: its
//! row lock is held to the commit, so positions are handed out in commit order without gaps on
//! PostgreSQL too (a sequence's numbers commit out of order, and a consumer that moved past a
//! late-committing smaller number would never see it). Only transactions that write events take
//! that lock, for the moment between their last statement and their commit; on SQLite every
//! writer already queues for the one write lock.

use crate::read::{params, read_row_struct};
use crate::types::{Day, Instant};
use crate::{Store, db_error, in_list, in_tx};
use domain::ids::{AgencyId, EventId, MemberId, PersonId};
use domain::notifications::{
    Audience, ClaimedEvents, Event, EventKind, Notification, NotificationStore, OutboxFollower, OutboxWriter,
    StoredEvent, Subject, SubjectKind,
};
use domain::ports::{StoreError, StoreResult};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

pub(crate) const INSERT_EVENT: &str = "INSERT INTO outbox_event (position, id, kind, at, by_member, person_id, \
     subject_kind, subject_id, for_member, detail, once_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
pub(crate) const INSERT_EVENT_AGENCY: &str = "INSERT INTO outbox_event_agency (agency_id, position) VALUES ($1, $2)";
/// Locks the head row (to the commit) and reads it.
pub(crate) const LOCK_HEAD: &str = "UPDATE outbox_head SET position = position WHERE id = 1 RETURNING position";
pub(crate) const MOVE_HEAD: &str = "UPDATE outbox_head SET position = $1 WHERE id = 1";
pub(crate) const ONCE_RECORDED: &str = "SELECT count(*) FROM outbox_event WHERE once_key = $1";

pub(crate) fn detail_json(event: &Event) -> StoreResult<String> {
    serde_json::to_string(&event.detail).map_err(|e| StoreError::Database(format!("event detail: {e}")))
}

/// Appends `$events` (`&[Event]`) to the outbox on the open transaction `$tx`, skipping any
/// whose `once` key is on record; evaluates to how many were written.
macro_rules! insert_events {
    ($tx:ident, $events:expr) => {{
        let events: &[domain::notifications::Event] = $events;
        let mut written = 0usize;
        if !events.is_empty() {
            use $crate::notifications::*;
            let head: i64 = sqlx::query_scalar(LOCK_HEAD).fetch_one(&mut *$tx).await.map_err($crate::db_error)?;
            let mut position = head;
            for event in events {
                if let Some(key) = &event.once {
                    let recorded: i64 = sqlx::query_scalar(ONCE_RECORDED)
                        .bind(key)
                        .fetch_one(&mut *$tx)
                        .await
                        .map_err($crate::db_error)?;
                    if recorded > 0 {
                        continue;
                    }
                }
                position += 1;
                sqlx::query(INSERT_EVENT)
                    .bind(position)
                    .bind(*event.id.as_uuid())
                    .bind(event.kind.code())
                    .bind($crate::types::Instant(event.at))
                    .bind(event.by.map(|m| *m.as_uuid()))
                    .bind(event.person.map(|p| *p.as_uuid()))
                    .bind(event.subject.kind.code())
                    .bind(event.subject.id)
                    .bind(event.audience.member.map(|m| *m.as_uuid()))
                    .bind(detail_json(event)?)
                    .bind(event.once.as_deref())
                    .execute(&mut *$tx)
                    .await
                    .map_err($crate::db_error)?;
                for agency in &event.audience.agencies {
                    sqlx::query(INSERT_EVENT_AGENCY)
                        .bind(*agency.as_uuid())
                        .bind(position)
                        .execute(&mut *$tx)
                        .await
                        .map_err($crate::db_error)?;
                }
                written += 1;
            }
            if position != head {
                sqlx::query(MOVE_HEAD).bind(position).execute(&mut *$tx).await.map_err($crate::db_error)?;
            }
        }
        written
    }};
}
pub(crate) use insert_events;

const EVENT_COLUMNS: &str = "e.position, e.id, e.kind, e.at, e.by_member, e.person_id, e.subject_kind, e.subject_id, \
     e.for_member, e.detail, e.once_key";

read_row_struct! {
    /// The columns of `EVENT_COLUMNS`, in order.
    struct EventRow {
        position: i64,
        id: Uuid,
        kind: String,
        at: Instant,
        by_member: Option<Uuid>,
        person_id: Option<Uuid>,
        subject_kind: String,
        subject_id: Uuid,
        for_member: Option<Uuid>,
        detail: String,
        once_key: Option<String>,
    }
}

/// The event of a row; its audience is filled in by the caller.
fn into_event(row: EventRow) -> StoreResult<(i64, Event)> {
    let position = row.position;
    let corrupt =
        |what: &str, value: &str| StoreError::Database(format!("outbox event {position}: unknown {what} {value:?}"));
    let kind = EventKind::parse(&row.kind).ok_or_else(|| corrupt("kind", &row.kind))?;
    let subject = SubjectKind::parse(&row.subject_kind).ok_or_else(|| corrupt("subject", &row.subject_kind))?;
    let detail: BTreeMap<String, String> =
        serde_json::from_str(&row.detail).map_err(|e| StoreError::Database(format!("outbox event {position}: {e}")))?;
    let event = Event {
        id: EventId::from_uuid(row.id),
        kind,
        at: row.at.0,
        by: row.by_member.map(MemberId::from_uuid),
        person: row.person_id.map(PersonId::from_uuid),
        subject: Subject::new(subject, row.subject_id),
        audience: Audience { agencies: BTreeSet::new(), member: row.for_member.map(MemberId::from_uuid) },
        detail,
        once: row.once_key,
    };
    Ok((position, event))
}

/// "Read by `$2`": read one by one, or everything up to a position.
const READ_BY_MEMBER: &str = "(e.position <= COALESCE((SELECT u.position FROM notification_read_up_to u \
     WHERE u.member_id = $2), 0) OR EXISTS (SELECT 1 FROM notification_read r WHERE r.member_id = $2 \
     AND r.position = e.position))";

impl Store {
    /// The audiences of the events at `positions`.
    async fn audiences(&self, positions: &[i64]) -> StoreResult<BTreeMap<i64, BTreeSet<AgencyId>>> {
        let mut audiences: BTreeMap<i64, BTreeSet<AgencyId>> = BTreeMap::new();
        for chunk in positions.chunks(200) {
            let sql = format!(
                "SELECT position, agency_id FROM outbox_event_agency WHERE position IN ({})",
                in_list(chunk.len())
            );
            let params: Vec<crate::read::Param> = chunk.iter().map(|p| crate::read::Param::Int(*p)).collect();
            let rows: Vec<(i64, Uuid)> = self.read_all(&sql, &params).await?;
            for (position, agency) in rows {
                audiences.entry(position).or_default().insert(AgencyId::from_uuid(agency));
            }
        }
        Ok(audiences)
    }

    /// Events after `position`, oldest first (for consumers).
    pub async fn events_after(&self, position: i64, limit: u32) -> StoreResult<Vec<StoredEvent>> {
        let sql =
            format!("SELECT {EVENT_COLUMNS} FROM outbox_event e WHERE e.position > $1 ORDER BY e.position LIMIT $2");
        self.stored_events(&sql, params![position, i64::from(limit)]).await
    }

    /// The events about `person`, oldest first (for the subject-access export).
    pub(crate) async fn events_of_person(&self, person: Uuid) -> StoreResult<Vec<StoredEvent>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM outbox_event e WHERE e.person_id = $1 ORDER BY e.position");
        self.stored_events(&sql, params![person]).await
    }

    /// The events a read of `EVENT_COLUMNS` selects, with their audiences.
    async fn stored_events(&self, sql: &str, params: &[crate::read::Param<'_>]) -> StoreResult<Vec<StoredEvent>> {
        let rows: Vec<EventRow> = self.read_all(sql, params).await?;
        let mut events = rows.into_iter().map(into_event).collect::<StoreResult<Vec<_>>>()?;
        let positions: Vec<i64> = events.iter().map(|(p, _)| *p).collect();
        let mut audiences = self.audiences(&positions).await?;
        for (position, event) in &mut events {
            event.audience.agencies = audiences.remove(position).unwrap_or_default();
        }
        Ok(events.into_iter().map(|(position, event)| StoredEvent { position, event }).collect())
    }

    /// The newest position written so far.
    pub async fn outbox_head(&self) -> StoreResult<i64> {
        let head: Option<(i64,)> = self.read_optional("SELECT position FROM outbox_head WHERE id = 1", &[]).await?;
        Ok(head.map_or(0, |(p,)| p))
    }
}

impl NotificationStore for Store {
    async fn notifications(
        &self,
        agency: AgencyId,
        member: MemberId,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<Notification>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS}, {READ_BY_MEMBER} FROM outbox_event_agency a \
             JOIN outbox_event e ON e.position = a.position \
             WHERE a.agency_id = $1 AND a.position < $3 AND (e.by_member IS NULL OR e.by_member <> $2) \
             ORDER BY a.position DESC LIMIT $4"
        );
        let before = before.unwrap_or(i64::MAX);
        let rows: Vec<crate::read::Joined<EventRow, (bool,)>> =
            self.read_all(&sql, params![*agency.as_uuid(), *member.as_uuid(), before, i64::from(limit)]).await?;
        let mut notifications = Vec::with_capacity(rows.len());
        for crate::read::Joined(row, (read,)) in rows {
            let (position, event) = into_event(row)?;
            notifications.push(Notification { position, event, read });
        }
        let positions: Vec<i64> = notifications.iter().map(|n| n.position).collect();
        let mut audiences = self.audiences(&positions).await?;
        for notification in &mut notifications {
            notification.event.audience.agencies = audiences.remove(&notification.position).unwrap_or_default();
        }
        Ok(notifications)
    }

    async fn unread_notifications(
        &self,
        agency: AgencyId,
        member: MemberId,
        today: Date,
        cap: u32,
    ) -> StoreResult<u32> {
        // The team condition is `access::authorise`'s for a team member: an entry of the agency
        // that has not ended, on a basis still valid today (consent until its expiry date).
        let sql = format!(
            "SELECT count(*) FROM (SELECT 1 FROM outbox_event_agency a JOIN outbox_event e ON e.position = a.position \
             WHERE a.agency_id = $1 AND (e.by_member IS NULL OR e.by_member <> $2) AND NOT {READ_BY_MEMBER} \
             AND (e.person_id IS NULL OR EXISTS (SELECT 1 FROM team_entry te WHERE te.person_id = e.person_id \
             AND te.agency_id = $1 AND te.ended_at IS NULL \
             AND (te.consent_expires_on IS NULL OR te.consent_expires_on >= $3))) LIMIT $4) unread"
        );
        let count: Option<(i64,)> =
            self.read_optional(&sql, params![*agency.as_uuid(), *member.as_uuid(), Day(today), i64::from(cap)]).await?;
        Ok(count.map_or(0, |(n,)| u32::try_from(n).unwrap_or(cap)))
    }

    async fn event_at(&self, position: i64) -> StoreResult<Option<StoredEvent>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM outbox_event e WHERE e.position = $1");
        let Some(row) = self.read_optional::<EventRow>(&sql, params![position]).await? else { return Ok(None) };
        let (position, mut event) = into_event(row)?;
        event.audience.agencies = self.audiences(&[position]).await?.remove(&position).unwrap_or_default();
        Ok(Some(StoredEvent { position, event }))
    }

    async fn mark_read(&self, member: MemberId, position: i64, at: Timestamp) -> StoreResult<()> {
        let sql = "INSERT INTO notification_read (member_id, position, read_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (member_id, position) DO NOTHING";
        self.record_reading(sql, member, position, at).await
    }

    async fn mark_read_up_to(&self, member: MemberId, position: i64, at: Timestamp) -> StoreResult<()> {
        // Never backwards: a second tab marking "all read" from an older page keeps the newer mark.
        let sql = "INSERT INTO notification_read_up_to (member_id, position, read_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (member_id) DO UPDATE SET position = excluded.position, read_at = excluded.read_at \
                   WHERE notification_read_up_to.position < excluded.position";
        self.record_reading(sql, member, position, at).await
    }
}

impl Store {
    /// Runs `sql`, a statement recording that `member` read up to or at `position` at `at`.
    async fn record_reading(
        &self,
        sql: &'static str,
        member: MemberId,
        position: i64,
        at: Timestamp,
    ) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query(sql)
                .bind(*member.as_uuid())
                .bind(position)
                .bind(Instant(at))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        });
        Ok(())
    }
}

impl OutboxWriter for Store {
    async fn record_events(&self, events: &[Event]) -> StoreResult<usize> {
        if events.is_empty() {
            return Ok(0);
        }
        Ok(in_tx!(self, tx => insert_events!(tx, events)))
    }
}

impl OutboxFollower for Store {
    async fn claim_events(
        &self,
        consumer: &str,
        owner: Uuid,
        now: Timestamp,
        lease: SignedDuration,
        limit: u32,
    ) -> StoreResult<Option<ClaimedEvents>> {
        let until = now.checked_add(lease).map_err(|e| StoreError::Database(format!("lease: {e}")))?;
        let claimed: Option<i64> = in_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO outbox_consumer (name, position) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING",
            )
            .bind(consumer)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            // The lease is taken in one conditional update: of two workers asking at once, the
            // second finds it held (PostgreSQL re-checks the condition after the first commits).
            sqlx::query_scalar(
                "UPDATE outbox_consumer SET lease_owner = $2, leased_until = $3 \
                 WHERE name = $1 AND (leased_until IS NULL OR leased_until <= $4) RETURNING position",
            )
            .bind(consumer)
            .bind(owner)
            .bind(Instant(until))
            .bind(Instant(now))
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?
        });
        let Some(after) = claimed else { return Ok(None) };
        let events = self.events_after(after, limit).await?;
        Ok(Some(ClaimedEvents { after, events }))
    }

    async fn settle_events(&self, consumer: &str, owner: Uuid, after: i64, position: i64) -> StoreResult<bool> {
        if position < after {
            return Err(StoreError::Database(format!("outbox consumer {consumer}: cannot move back to {position}")));
        }
        let settled = in_tx!(self, tx => {
            sqlx::query(
                "UPDATE outbox_consumer SET position = $4, lease_owner = NULL, leased_until = NULL \
                 WHERE name = $1 AND lease_owner = $2 AND position = $3",
            )
            .bind(consumer)
            .bind(owner)
            .bind(after)
            .bind(position)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?
            .rows_affected()
        });
        Ok(settled == 1)
    }
}
