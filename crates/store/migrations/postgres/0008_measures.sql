-- "Beyond the case" (issue 5): the mayor's measures (exclusion order, area ban), short intensive
-- case management episodes and group approach (PostgreSQL). Append-only: never edit a released
-- migration, add one.

CREATE TABLE measure (
    id          uuid PRIMARY KEY,
    kind        text NOT NULL,
    subject_id  uuid REFERENCES person(id),
    status      text NOT NULL,
    version     bigint NOT NULL,
    state       text NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX measure_kind ON measure(kind, status);

CREATE TABLE measure_person (
    measure_id  uuid NOT NULL REFERENCES measure(id),
    person_id   uuid NOT NULL REFERENCES person(id),
    PRIMARY KEY (measure_id, person_id)
);
CREATE INDEX measure_person_person ON measure_person(person_id);

CREATE TABLE measure_event (
    measure_id  uuid NOT NULL REFERENCES measure(id),
    version     bigint NOT NULL,
    change      text NOT NULL,
    at          timestamptz NOT NULL,
    member_id   uuid NOT NULL REFERENCES member(id),
    agency_id   uuid NOT NULL REFERENCES agency(id),
    state       text NOT NULL,
    PRIMARY KEY (measure_id, version)
);

CREATE FUNCTION measure_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'measure history is append-only'; END; $$;
CREATE TRIGGER measure_event_no_update BEFORE UPDATE OR DELETE ON measure_event
FOR EACH ROW EXECUTE FUNCTION measure_event_append_only();
