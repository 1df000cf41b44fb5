-- The outbox and notifications (issue 15). Append-only: never edit a released migration, add one.
-- Same shape in migrations/sqlite and migrations/postgres (the conformance suite runs both).
--
-- Every effect of a workflow that leaves its aggregate (a task given to an agency, a request
-- at triage, a clock near its legal limit) is an event row written in the same transaction as
-- the change. `position` is taken from `outbox_head` under that row's write lock, so positions
-- run without gaps in commit order: a consumer that has handled everything up to a position
-- has missed nothing before it. Events are never changed or deleted.
CREATE TABLE outbox_event (
    position      INTEGER PRIMARY KEY,
    id            BLOB NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    at            INTEGER NOT NULL,
    by_member     BLOB REFERENCES member(id),
    person_id     BLOB REFERENCES person(id),
    subject_kind  TEXT NOT NULL,
    subject_id    BLOB NOT NULL,
    for_member    BLOB REFERENCES member(id),
    detail        TEXT NOT NULL,
    once_key      TEXT UNIQUE
);
CREATE INDEX outbox_event_person ON outbox_event(person_id, position);

-- Who is entitled to be told: one row per agency. A member's notifications are read along
-- (agency, position).
CREATE TABLE outbox_event_agency (
    agency_id  BLOB NOT NULL REFERENCES agency(id),
    position   INTEGER NOT NULL REFERENCES outbox_event(position),
    PRIMARY KEY (agency_id, position)
) WITHOUT ROWID;

CREATE TABLE outbox_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    position  INTEGER NOT NULL
);
INSERT INTO outbox_head (id, position) VALUES (1, 0);

CREATE TRIGGER outbox_event_no_update BEFORE UPDATE ON outbox_event
BEGIN SELECT RAISE(ABORT, 'outbox_event is append-only'); END;
CREATE TRIGGER outbox_event_no_delete BEFORE DELETE ON outbox_event
BEGIN SELECT RAISE(ABORT, 'outbox_event is append-only'); END;
CREATE TRIGGER outbox_event_agency_no_update BEFORE UPDATE ON outbox_event_agency
BEGIN SELECT RAISE(ABORT, 'outbox_event_agency is append-only'); END;
CREATE TRIGGER outbox_event_agency_no_delete BEFORE DELETE ON outbox_event_agency
BEGIN SELECT RAISE(ABORT, 'outbox_event_agency is append-only'); END;

-- A consumer follows the outbox from its stored position. One worker at a time holds its
-- lease (whichever server it runs on); settling a batch moves the position and frees it.
CREATE TABLE outbox_consumer (
    name          TEXT PRIMARY KEY,
    position      INTEGER NOT NULL,
    lease_owner   BLOB,
    leased_until  INTEGER
);

-- What each member has read: single events, and everything up to a position ("all read").
CREATE TABLE notification_read (
    member_id  BLOB NOT NULL REFERENCES member(id),
    position   INTEGER NOT NULL REFERENCES outbox_event(position),
    read_at    INTEGER NOT NULL,
    PRIMARY KEY (member_id, position)
) WITHOUT ROWID;

CREATE TABLE notification_read_up_to (
    member_id  BLOB PRIMARY KEY REFERENCES member(id),
    position   INTEGER NOT NULL,
    read_at    INTEGER NOT NULL
);
