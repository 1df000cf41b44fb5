-- "Beyond the case" (issue 5): screenings and the one shared plan per person (SQLite).
-- Append-only: never edit a released migration, add one.

-- A dated screening; its scores are rows. Screenings are never changed: a new one is added.
CREATE TABLE screening (
    id           BLOB PRIMARY KEY,
    person_id    BLOB NOT NULL REFERENCES person(id),
    screened_on  TEXT NOT NULL,
    screened_by  BLOB NOT NULL REFERENCES member(id),
    agency_id    BLOB NOT NULL REFERENCES agency(id),
    recorded_at  INTEGER NOT NULL
);
CREATE INDEX screening_person ON screening(person_id, screened_on);

CREATE TABLE screening_score (
    screening_id  BLOB NOT NULL REFERENCES screening(id),
    domain        TEXT NOT NULL,
    score         INTEGER NOT NULL CHECK (score BETWEEN 1 AND 99),
    note          TEXT NOT NULL,
    source        TEXT NOT NULL,
    PRIMARY KEY (screening_id, domain)
) WITHOUT ROWID;

CREATE TRIGGER screening_no_update BEFORE UPDATE ON screening
BEGIN SELECT RAISE(ABORT, 'screenings are kept as recorded'); END;
CREATE TRIGGER screening_score_no_update BEFORE UPDATE ON screening_score
BEGIN SELECT RAISE(ABORT, 'screenings are kept as recorded'); END;

-- The shared plan. `state` is the plan as it is now (JSON of the domain's Plan) and `version`
-- guards against lost updates; every change is a row in plan_event, never overwritten.
CREATE TABLE plan (
    id          BLOB PRIMARY KEY,
    person_id   BLOB NOT NULL REFERENCES person(id),
    status      TEXT NOT NULL,
    started_on  TEXT NOT NULL,
    version     INTEGER NOT NULL,
    state       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    created_by  BLOB NOT NULL REFERENCES member(id),
    updated_at  INTEGER NOT NULL
);
CREATE INDEX plan_person ON plan(person_id, created_at);

-- The plan's history: each command applied (status changes, goals, tasks, notes), who, when,
-- and the plan as it was after it (for "what changed since last week").
CREATE TABLE plan_event (
    plan_id    BLOB NOT NULL REFERENCES plan(id),
    version    INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    at         INTEGER NOT NULL,
    on_day     TEXT NOT NULL,
    member_id  BLOB NOT NULL REFERENCES member(id),
    agency_id  BLOB NOT NULL REFERENCES agency(id),
    command    TEXT NOT NULL,
    state      TEXT NOT NULL,
    PRIMARY KEY (plan_id, version)
);
CREATE INDEX plan_event_at ON plan_event(plan_id, at);

CREATE TRIGGER plan_event_no_update BEFORE UPDATE ON plan_event
BEGIN SELECT RAISE(ABORT, 'plan history is append-only'); END;
CREATE TRIGGER plan_event_no_delete BEFORE DELETE ON plan_event
BEGIN SELECT RAISE(ABORT, 'plan history is append-only'); END;

-- Index of outstanding tasks for "my tasks" and "my agency's tasks", derived from plan.state
-- on every write (the history is in plan_event).
CREATE TABLE plan_task (
    task_id       BLOB PRIMARY KEY,
    plan_id       BLOB NOT NULL REFERENCES plan(id),
    person_id     BLOB NOT NULL REFERENCES person(id),
    owner_agency  BLOB NOT NULL,
    owner_member  BLOB,
    due           TEXT NOT NULL
);
CREATE INDEX plan_task_plan ON plan_task(plan_id);
CREATE INDEX plan_task_agency ON plan_task(owner_agency, due);
CREATE INDEX plan_task_member ON plan_task(owner_member, due);
