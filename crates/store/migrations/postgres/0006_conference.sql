-- "Beyond the case" (issue 5): triage requests and case conference meetings (PostgreSQL).
-- Append-only: never edit a released migration, add one.

CREATE TABLE conference_request (
    id            uuid PRIMARY KEY,
    person_id     uuid NOT NULL REFERENCES person(id),
    status        text NOT NULL,
    triage_on     date NOT NULL,
    submitted_at  timestamptz NOT NULL,
    version       bigint NOT NULL,
    state         text NOT NULL
);
CREATE INDEX conference_request_person ON conference_request(person_id, submitted_at);
CREATE INDEX conference_request_status ON conference_request(status, triage_on);

CREATE TABLE conference_meeting (
    id          uuid PRIMARY KEY,
    meeting_on  date NOT NULL,
    status      text NOT NULL,
    version     bigint NOT NULL,
    state       text NOT NULL
);
CREATE INDEX conference_meeting_on ON conference_meeting(meeting_on);

CREATE TABLE conference_agenda (
    meeting_id  uuid NOT NULL REFERENCES conference_meeting(id),
    person_id   uuid NOT NULL REFERENCES person(id),
    PRIMARY KEY (meeting_id, person_id)
);
CREATE INDEX conference_agenda_person ON conference_agenda(person_id);
