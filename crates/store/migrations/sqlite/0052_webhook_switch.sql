-- A provider switches a webhook subscription off and on again (issue 19): `webhook.active`
-- is the state now, each switch a row of its history (who, when, to what). While off, no
-- delivery is queued or posted for it; a replay after switching on fills the gap.
CREATE TABLE webhook_switch (
    webhook_id   BLOB NOT NULL REFERENCES webhook(id),
    switched_at  INTEGER NOT NULL,
    switched_by  BLOB NOT NULL REFERENCES member(id),
    active       INTEGER NOT NULL
);
CREATE INDEX webhook_switch_webhook ON webhook_switch(webhook_id, switched_at);
