-- The outbox and notifications (issue 15). Append-only: never edit a released migration, add one.
-- Same shape in migrations/sqlite and migrations/postgres (the conformance suite runs both).
--
-- Every effect of a workflow that leaves its aggregate (a task given to an agency, a request
-- at triage, a clock near its legal limit) is an event row written in the same transaction as
-- the change. `position` is taken from `outbox_head` under that row's lock, held to the commit,
-- so positions run without gaps in commit order even with several servers writing: a consumer
-- that has handled everything up to a position has missed nothing before it (a sequence would
-- hand out positions that commit out of order). Events are never changed, deleted or truncated.
CREATE TABLE outbox_event (
    position      bigint PRIMARY KEY,
    id            uuid NOT NULL UNIQUE,
    kind          text NOT NULL,
    at            timestamptz NOT NULL,
    by_member     uuid REFERENCES member(id),
    person_id     uuid REFERENCES person(id),
    subject_kind  text NOT NULL,
    subject_id    uuid NOT NULL,
    for_member    uuid REFERENCES member(id),
    detail        text NOT NULL,
    once_key      text UNIQUE
);
CREATE INDEX outbox_event_person ON outbox_event(person_id, position);

-- Who is entitled to be told: one row per agency. A member's notifications are read along
-- (agency, position).
CREATE TABLE outbox_event_agency (
    agency_id  uuid NOT NULL REFERENCES agency(id),
    position   bigint NOT NULL REFERENCES outbox_event(position),
    PRIMARY KEY (agency_id, position)
);

CREATE TABLE outbox_head (
    id        integer PRIMARY KEY CHECK (id = 1),
    position  bigint NOT NULL
);
INSERT INTO outbox_head (id, position) VALUES (1, 0);

CREATE FUNCTION outbox_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER outbox_event_no_change BEFORE UPDATE OR DELETE ON outbox_event
    FOR EACH ROW EXECUTE FUNCTION outbox_append_only();
CREATE TRIGGER outbox_event_no_truncate BEFORE TRUNCATE ON outbox_event
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_append_only();
CREATE TRIGGER outbox_event_agency_no_change BEFORE UPDATE OR DELETE ON outbox_event_agency
    FOR EACH ROW EXECUTE FUNCTION outbox_append_only();
CREATE TRIGGER outbox_event_agency_no_truncate BEFORE TRUNCATE ON outbox_event_agency
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_append_only();

-- A consumer follows the outbox from its stored position. One worker at a time holds its
-- lease (whichever server it runs on); settling a batch moves the position and frees it.
CREATE TABLE outbox_consumer (
    name          text PRIMARY KEY,
    position      bigint NOT NULL,
    lease_owner   uuid,
    leased_until  timestamptz
);

-- What each member has read: single events, and everything up to a position ("all read").
CREATE TABLE notification_read (
    member_id  uuid NOT NULL REFERENCES member(id),
    position   bigint NOT NULL REFERENCES outbox_event(position),
    read_at    timestamptz NOT NULL,
    PRIMARY KEY (member_id, position)
);

CREATE TABLE notification_read_up_to (
    member_id  uuid PRIMARY KEY REFERENCES member(id),
    position   bigint NOT NULL,
    read_at    timestamptz NOT NULL
);
