-- Mentors (issue 20): profiles and matches kept whole as JSON of the domain value (a profile is
-- replaced when the coordinator edits it; a match is recorded once, with the person's consent),
-- an append-only contact log and the helpline roster.
CREATE TABLE mentor_profile (
    member_id   BLOB PRIMARY KEY REFERENCES member(id),
    agency_id   BLOB NOT NULL REFERENCES agency(id),
    state       TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE mentor_match (
    id           BLOB PRIMARY KEY,
    person_id    BLOB NOT NULL REFERENCES person(id),
    mentor_id    BLOB NOT NULL REFERENCES member(id),
    agency_id    BLOB NOT NULL REFERENCES agency(id),
    started_on   TEXT NOT NULL,
    state        TEXT NOT NULL
);
CREATE INDEX mentor_match_mentor ON mentor_match(mentor_id, started_on);
CREATE INDEX mentor_match_person ON mentor_match(person_id);
CREATE INDEX mentor_match_agency ON mentor_match(agency_id);

CREATE TABLE mentor_contact (
    id           BLOB PRIMARY KEY,
    match_id     BLOB NOT NULL REFERENCES mentor_match(id),
    person_id    BLOB NOT NULL,
    mentor_id    BLOB NOT NULL,
    on_date      TEXT NOT NULL,
    minutes      INTEGER NOT NULL,
    place        TEXT NOT NULL,
    how_it_went  TEXT NOT NULL
);
CREATE INDEX mentor_contact_match ON mentor_contact(match_id, on_date);

CREATE TABLE helpline_shift (
    id         BLOB PRIMARY KEY,
    agency_id  BLOB NOT NULL REFERENCES agency(id),
    member_id  BLOB NOT NULL REFERENCES member(id),
    name       TEXT NOT NULL,
    starts_at  INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL,
    phone      TEXT NOT NULL
);
CREATE INDEX helpline_shift_end ON helpline_shift(ends_at);
