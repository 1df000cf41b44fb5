-- "Beyond the case" (issue 5): triage requests and case conference meetings (SQLite).
-- Append-only: never edit a released migration, add one.

-- A request for a case conference. `state` is the domain's ConferenceRequest as JSON; the
-- columns beside it are what lists filter and sort on. `version` guards against lost updates.
CREATE TABLE conference_request (
    id            BLOB PRIMARY KEY,
    person_id     BLOB NOT NULL REFERENCES person(id),
    status        TEXT NOT NULL,
    triage_on     TEXT NOT NULL,
    submitted_at  INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    state         TEXT NOT NULL
);
CREATE INDEX conference_request_person ON conference_request(person_id, submitted_at);
CREATE INDEX conference_request_status ON conference_request(status, triage_on);

-- A case conference meeting with its agenda, attendance and minutes (JSON of the domain's
-- Meeting); the persons on the agenda are indexed in conference_agenda, rewritten on save.
CREATE TABLE conference_meeting (
    id          BLOB PRIMARY KEY,
    meeting_on  TEXT NOT NULL,
    status      TEXT NOT NULL,
    version     INTEGER NOT NULL,
    state       TEXT NOT NULL
);
CREATE INDEX conference_meeting_on ON conference_meeting(meeting_on);

CREATE TABLE conference_agenda (
    meeting_id  BLOB NOT NULL REFERENCES conference_meeting(id),
    person_id   BLOB NOT NULL REFERENCES person(id),
    PRIMARY KEY (meeting_id, person_id)
) WITHOUT ROWID;
CREATE INDEX conference_agenda_person ON conference_agenda(person_id);
