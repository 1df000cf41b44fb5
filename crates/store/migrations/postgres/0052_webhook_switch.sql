-- A provider switches a webhook subscription off and on again (issue 19): `webhook.active`
-- is the state now, each switch a row of its history (who, when, to what). While off, no
-- delivery is queued or posted for it; a replay after switching on fills the gap.
CREATE TABLE webhook_switch (
    webhook_id   uuid NOT NULL REFERENCES webhook(id),
    switched_at  timestamptz NOT NULL,
    switched_by  uuid NOT NULL REFERENCES member(id),
    active       boolean NOT NULL
);
CREATE INDEX webhook_switch_webhook ON webhook_switch(webhook_id, switched_at);
