-- "Beyond the case" (issue 5): the mayor's measures (exclusion order, area ban), short intensive
-- case management episodes and group approach (SQLite). Append-only: never edit a released
-- migration, add one.

-- One row per measure. `kind` is exclusion_order, area_ban, episode or group; `state` is the
-- domain's value as JSON and `version` guards against lost updates. `subject_id` is the person
-- the measure is about (none for a group); `status` is open or ended, for the lists.
CREATE TABLE measure (
    id          BLOB PRIMARY KEY,
    kind        TEXT NOT NULL,
    subject_id  BLOB REFERENCES person(id),
    status      TEXT NOT NULL,
    version     INTEGER NOT NULL,
    state       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX measure_kind ON measure(kind, status);

-- Everyone a measure concerns (the excluded person, victims and children; a group's current
-- members), rewritten on every save, so a person's pages find the measures about them.
CREATE TABLE measure_person (
    measure_id  BLOB NOT NULL REFERENCES measure(id),
    person_id   BLOB NOT NULL REFERENCES person(id),
    PRIMARY KEY (measure_id, person_id)
) WITHOUT ROWID;
CREATE INDEX measure_person_person ON measure_person(person_id);

-- The measure's history: each change, who, when, and the measure as it was after it.
CREATE TABLE measure_event (
    measure_id  BLOB NOT NULL REFERENCES measure(id),
    version     INTEGER NOT NULL,
    change      TEXT NOT NULL,
    at          INTEGER NOT NULL,
    member_id   BLOB NOT NULL REFERENCES member(id),
    agency_id   BLOB NOT NULL REFERENCES agency(id),
    state       TEXT NOT NULL,
    PRIMARY KEY (measure_id, version)
);

CREATE TRIGGER measure_event_no_update BEFORE UPDATE ON measure_event
BEGIN SELECT RAISE(ABORT, 'measure history is append-only'); END;
CREATE TRIGGER measure_event_no_delete BEFORE DELETE ON measure_event
BEGIN SELECT RAISE(ABORT, 'measure history is append-only'); END;
