-- Provider webhooks (issue 19): a second consumer of the outbox ("webhooks") queues one
-- delivery per event and subscription; a sender signs and posts them (Standard Webhooks),
-- retrying with backoff. The deliveries are the log; a replay queues them again.
CREATE TABLE webhook (
    id          uuid PRIMARY KEY,
    agency_id   uuid NOT NULL REFERENCES agency(id),
    url         text NOT NULL,
    secret      bytea NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  uuid NOT NULL REFERENCES member(id),
    active      boolean NOT NULL
);
CREATE INDEX webhook_agency ON webhook(agency_id);

CREATE TABLE webhook_delivery (
    webhook_id       uuid NOT NULL REFERENCES webhook(id),
    position         bigint NOT NULL REFERENCES outbox_event(position),
    state            text NOT NULL,
    attempts         bigint NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    last_status      bigint,
    last_error       text,
    delivered_at     timestamptz,
    PRIMARY KEY (webhook_id, position)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery(state, next_attempt_at);
