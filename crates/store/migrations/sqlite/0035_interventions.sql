-- Interventions (issue 19). Append-only: never edit a released migration, add one.
-- Same shape in migrations/sqlite and migrations/postgres (the conformance suite runs both).
--
-- The catalogue: each entry kept whole as JSON of the domain value with a version; every
-- version kept in `intervention_version` (history). The needs it addresses are indexed so the
-- finder reads only the entries for a person's needs.
CREATE TABLE intervention (
    id           BLOB PRIMARY KEY,
    provider_id  BLOB NOT NULL REFERENCES agency(id),
    active       INTEGER NOT NULL,
    state        TEXT NOT NULL,
    version      INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX intervention_provider ON intervention(provider_id);

CREATE TABLE intervention_version (
    intervention_id  BLOB NOT NULL REFERENCES intervention(id),
    version          INTEGER NOT NULL,
    at               INTEGER NOT NULL,
    member_id        BLOB NOT NULL REFERENCES member(id),
    state            TEXT NOT NULL,
    PRIMARY KEY (intervention_id, version)
);

CREATE TABLE intervention_need (
    need             TEXT NOT NULL,
    intervention_id  BLOB NOT NULL REFERENCES intervention(id),
    PRIMARY KEY (need, intervention_id)
) WITHOUT ROWID;

-- The referral lifecycle as data: which status may follow which, and by which side. A
-- deployment changes its lifecycle by changing these rows, not the code.
CREATE TABLE referral_transition (
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    side         TEXT NOT NULL,
    PRIMARY KEY (from_status, to_status, side)
) WITHOUT ROWID;
INSERT INTO referral_transition (from_status, to_status, side) VALUES
    ('draft', 'sent', 'referrer'),
    ('draft', 'withdrawn', 'referrer'),
    ('sent', 'accepted', 'provider'),
    ('sent', 'declined', 'provider'),
    ('sent', 'withdrawn', 'referrer'),
    ('accepted', 'waiting', 'provider'),
    ('accepted', 'started', 'provider'),
    ('accepted', 'withdrawn', 'referrer'),
    ('waiting', 'started', 'provider'),
    ('waiting', 'declined', 'provider'),
    ('waiting', 'withdrawn', 'referrer'),
    ('started', 'completed', 'provider'),
    ('started', 'ended_early', 'provider'),
    ('started', 'ended_early', 'referrer'),
    ('started', 'withdrawn', 'referrer');

-- A referral: the whole record as JSON with a version, and the columns lists and queues read.
CREATE TABLE referral (
    id               BLOB PRIMARY KEY,
    person_id        BLOB NOT NULL REFERENCES person(id),
    intervention_id  BLOB NOT NULL REFERENCES intervention(id),
    provider_id      BLOB NOT NULL REFERENCES agency(id),
    referrer_agency  BLOB NOT NULL REFERENCES agency(id),
    task_id          BLOB,
    status           TEXT NOT NULL,
    queued_at        INTEGER,
    started_on       TEXT,
    ended_on         TEXT,
    state            TEXT NOT NULL,
    version          INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX referral_provider ON referral(provider_id, status, id);
CREATE INDEX referral_intervention ON referral(intervention_id, status, ended_on);
CREATE INDEX referral_person ON referral(person_id);
CREATE INDEX referral_task ON referral(task_id);

-- Every change a row, never changed: who, when, for which side, the status after it.
CREATE TABLE referral_change (
    referral_id  BLOB NOT NULL REFERENCES referral(id),
    version      INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    member_id    BLOB NOT NULL REFERENCES member(id),
    agency_id    BLOB NOT NULL REFERENCES agency(id),
    side         TEXT NOT NULL,
    status       TEXT NOT NULL,
    action       TEXT NOT NULL,
    detail       TEXT NOT NULL,
    PRIMARY KEY (referral_id, version)
);
CREATE TRIGGER referral_change_no_update BEFORE UPDATE ON referral_change
BEGIN SELECT RAISE(ABORT, 'referral_change is append-only'); END;
CREATE TRIGGER referral_change_no_delete BEFORE DELETE ON referral_change
BEGIN SELECT RAISE(ABORT, 'referral_change is append-only'); END;

-- Unmet need: recorded per person, reported only in aggregate.
CREATE TABLE unmet_need (
    id         INTEGER PRIMARY KEY,
    person_id  BLOB NOT NULL REFERENCES person(id),
    need       TEXT NOT NULL,
    area       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    on_date    TEXT NOT NULL,
    month      TEXT NOT NULL,
    at         INTEGER NOT NULL,
    member_id  BLOB NOT NULL REFERENCES member(id),
    agency_id  BLOB NOT NULL REFERENCES agency(id)
);
CREATE INDEX unmet_need_on ON unmet_need(on_date);
