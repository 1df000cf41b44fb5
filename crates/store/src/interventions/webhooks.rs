//! Provider webhook subscriptions and their delivery log.

use crate::types::Instant;
use crate::{Store, db_error, in_tx, on_db};
use domain::ids::{AgencyId, MemberId, WebhookId};
use domain::interventions::ports::{Delivery, DeliveryState, Webhook, WebhookStore};
use domain::ports::StoreResult;
use jiff::Timestamp;
use uuid::Uuid;

/// id, agency, url, secret, created_at, created_by, active
type WebhookRow = (Uuid, Uuid, String, Vec<u8>, Instant, Uuid, bool);
/// webhook, position, state, attempts, next attempt, last status, last error, delivered at
type DeliveryRow = (Uuid, i64, String, i64, Instant, Option<i64>, Option<String>, Option<Instant>);

fn webhook_of(row: WebhookRow) -> Webhook {
    let (id, agency, url, secret, created_at, created_by, active) = row;
    Webhook {
        id: WebhookId(id),
        agency: AgencyId(agency),
        url,
        secret,
        created_at: created_at.0,
        created_by: created_by.into(),
        active,
    }
}

fn delivery_of(row: DeliveryRow) -> Delivery {
    let (webhook, position, state, attempts, next, status, error, delivered) = row;
    Delivery {
        webhook: WebhookId(webhook),
        position,
        state: DeliveryState::parse(&state).unwrap_or(DeliveryState::Failed),
        attempts: u32::try_from(attempts).unwrap_or(0),
        next_attempt_at: next.0,
        last_status: status.and_then(|s| u16::try_from(s).ok()),
        last_error: error,
        delivered_at: delivered.map(|d| d.0),
    }
}

const WEBHOOK_COLUMNS: &str = "SELECT id, agency_id, url, secret, created_at, created_by, active FROM webhook";
const DELIVERY_COLUMNS: &str = "SELECT webhook_id, position, state, attempts, next_attempt_at, last_status, last_error, \
                                delivered_at FROM webhook_delivery";

impl WebhookStore for Store {
    async fn add_webhook(&self, w: &Webhook) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO webhook (id, agency_id, url, secret, created_at, created_by, active) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(w.id.0)
            .bind(w.agency.0)
            .bind(&w.url)
            .bind(&w.secret)
            .bind(Instant(w.created_at))
            .bind(*w.created_by.as_uuid())
            .bind(w.active)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        });
        Ok(())
    }

    async fn webhook(&self, id: WebhookId) -> StoreResult<Option<Webhook>> {
        let sql = sqlx::AssertSqlSafe(format!("{WEBHOOK_COLUMNS} WHERE id = $1"));
        let row: Option<WebhookRow> =
            on_db!(self, pool => sqlx::query_as(sql).bind(id.0).fetch_optional(pool).await).map_err(db_error)?;
        Ok(row.map(webhook_of))
    }

    async fn webhooks_of(&self, agency: AgencyId) -> StoreResult<Vec<Webhook>> {
        let sql = sqlx::AssertSqlSafe(format!("{WEBHOOK_COLUMNS} WHERE agency_id = $1 ORDER BY id"));
        let rows: Vec<WebhookRow> =
            on_db!(self, pool => sqlx::query_as(sql).bind(agency.0).fetch_all(pool).await).map_err(db_error)?;
        Ok(rows.into_iter().map(webhook_of).collect())
    }

    async fn switch_webhook(&self, id: WebhookId, active: bool, at: Timestamp, by: MemberId) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query("UPDATE webhook SET active = $1 WHERE id = $2")
                .bind(active)
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            sqlx::query("INSERT INTO webhook_switch (webhook_id, switched_at, switched_by, active) VALUES ($1, $2, $3, $4)")
                .bind(id.0)
                .bind(Instant(at))
                .bind(*by.as_uuid())
                .bind(active)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        });
        Ok(())
    }

    async fn queue_deliveries(&self, position: i64, agencies: &[AgencyId], now: Timestamp) -> StoreResult<()> {
        if agencies.is_empty() {
            return Ok(());
        }
        in_tx!(self, tx => {
            for agency in agencies {
                sqlx::query(
                    "INSERT INTO webhook_delivery (webhook_id, position, state, attempts, next_attempt_at) \
                     SELECT id, $1, 'pending', 0, $2 FROM webhook WHERE agency_id = $3 AND active \
                     ON CONFLICT (webhook_id, position) DO NOTHING",
                )
                .bind(position)
                .bind(Instant(now))
                .bind(agency.0)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            }
        });
        Ok(())
    }

    async fn due_deliveries(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<Delivery>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{DELIVERY_COLUMNS} WHERE state = 'pending' AND next_attempt_at <= $1 \
             AND webhook_id IN (SELECT id FROM webhook WHERE active) ORDER BY next_attempt_at, position LIMIT $2"
        ));
        let rows: Vec<DeliveryRow> = on_db!(self, pool => sqlx::query_as(sql)
            .bind(Instant(now))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await)
        .map_err(db_error)?;
        Ok(rows.into_iter().map(delivery_of).collect())
    }

    async fn save_delivery(&self, d: &Delivery) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query(
                "UPDATE webhook_delivery SET state = $1, attempts = $2, next_attempt_at = $3, last_status = $4, \
                 last_error = $5, delivered_at = $6 WHERE webhook_id = $7 AND position = $8",
            )
            .bind(d.state.code())
            .bind(i64::from(d.attempts))
            .bind(Instant(d.next_attempt_at))
            .bind(d.last_status.map(i64::from))
            .bind(d.last_error.as_deref())
            .bind(d.delivered_at.map(Instant))
            .bind(d.webhook.0)
            .bind(d.position)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        });
        Ok(())
    }

    async fn deliveries(&self, webhook: WebhookId, limit: u32) -> StoreResult<Vec<Delivery>> {
        let sql =
            sqlx::AssertSqlSafe(format!("{DELIVERY_COLUMNS} WHERE webhook_id = $1 ORDER BY position DESC LIMIT $2"));
        let rows: Vec<DeliveryRow> = on_db!(self, pool => sqlx::query_as(sql)
            .bind(webhook.0)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await)
        .map_err(db_error)?;
        Ok(rows.into_iter().map(delivery_of).collect())
    }

    async fn replay_from(&self, webhook: WebhookId, position: i64, now: Timestamp) -> StoreResult<u64> {
        let queued = in_tx!(self, tx => {
            let again = sqlx::query(
                "UPDATE webhook_delivery SET state = 'pending', attempts = 0, next_attempt_at = $1, last_error = NULL \
                 WHERE webhook_id = $2 AND position >= $3",
            )
            .bind(Instant(now))
            .bind(webhook.0)
            .bind(position)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?
            .rows_affected();
            // Events of the agency from before the subscription existed (or never queued).
            let added = sqlx::query(
                "INSERT INTO webhook_delivery (webhook_id, position, state, attempts, next_attempt_at) \
                 SELECT w.id, a.position, 'pending', 0, $1 FROM webhook w \
                 JOIN outbox_event_agency a ON a.agency_id = w.agency_id \
                 JOIN outbox_event e ON e.position = a.position AND e.subject_kind = 'referral' \
                 WHERE w.id = $2 AND a.position >= $3 \
                 ON CONFLICT (webhook_id, position) DO NOTHING",
            )
            .bind(Instant(now))
            .bind(webhook.0)
            .bind(position)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?
            .rows_affected();
            again + added
        });
        Ok(queued)
    }
}
