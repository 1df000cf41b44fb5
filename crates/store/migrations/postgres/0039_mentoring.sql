-- Mentors (issue 20): profiles and matches kept whole as JSON of the domain value (a profile is
-- replaced when the coordinator edits it; a match is recorded once, with the person's consent),
-- an append-only contact log and the helpline roster.
CREATE TABLE mentor_profile (
    member_id   uuid PRIMARY KEY REFERENCES member(id),
    agency_id   uuid NOT NULL REFERENCES agency(id),
    state       text NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE mentor_match (
    id           uuid PRIMARY KEY,
    person_id    uuid NOT NULL REFERENCES person(id),
    mentor_id    uuid NOT NULL REFERENCES member(id),
    agency_id    uuid NOT NULL REFERENCES agency(id),
    started_on   date NOT NULL,
    state        text NOT NULL
);
CREATE INDEX mentor_match_mentor ON mentor_match(mentor_id, started_on);
CREATE INDEX mentor_match_person ON mentor_match(person_id);
CREATE INDEX mentor_match_agency ON mentor_match(agency_id);

CREATE TABLE mentor_contact (
    id           uuid PRIMARY KEY,
    match_id     uuid NOT NULL REFERENCES mentor_match(id),
    person_id    uuid NOT NULL,
    mentor_id    uuid NOT NULL,
    on_date      date NOT NULL,
    minutes      integer NOT NULL,
    place        text NOT NULL,
    how_it_went  text NOT NULL
);
CREATE INDEX mentor_contact_match ON mentor_contact(match_id, on_date);

CREATE TABLE helpline_shift (
    id         uuid PRIMARY KEY,
    agency_id  uuid NOT NULL REFERENCES agency(id),
    member_id  uuid NOT NULL REFERENCES member(id),
    name       text NOT NULL,
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    phone      text NOT NULL
);
CREATE INDEX helpline_shift_end ON helpline_shift(ends_at);
