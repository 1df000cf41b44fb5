-- Provider webhooks (issue 19): a second consumer of the outbox ("webhooks") queues one
-- delivery per event and subscription; a sender signs and posts them (Standard Webhooks),
-- retrying with backoff. The deliveries are the log; a replay queues them again.
CREATE TABLE webhook (
    id          BLOB PRIMARY KEY,
    agency_id   BLOB NOT NULL REFERENCES agency(id),
    url         TEXT NOT NULL,
    secret      BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    created_by  BLOB NOT NULL REFERENCES member(id),
    active      INTEGER NOT NULL
);
CREATE INDEX webhook_agency ON webhook(agency_id);

CREATE TABLE webhook_delivery (
    webhook_id       BLOB NOT NULL REFERENCES webhook(id),
    position         INTEGER NOT NULL REFERENCES outbox_event(position),
    state            TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    last_status      INTEGER,
    last_error       TEXT,
    delivered_at     INTEGER,
    PRIMARY KEY (webhook_id, position)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery(state, next_attempt_at);
