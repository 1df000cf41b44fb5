-- "Beyond the case" (issue 5): screenings and the one shared plan per person (PostgreSQL).
-- Append-only: never edit a released migration, add one.

CREATE TABLE screening (
    id           uuid PRIMARY KEY,
    person_id    uuid NOT NULL REFERENCES person(id),
    screened_on  date NOT NULL,
    screened_by  uuid NOT NULL REFERENCES member(id),
    agency_id    uuid NOT NULL REFERENCES agency(id),
    recorded_at  timestamptz NOT NULL
);
CREATE INDEX screening_person ON screening(person_id, screened_on);

CREATE TABLE screening_score (
    screening_id  uuid NOT NULL REFERENCES screening(id),
    domain        text NOT NULL,
    score         bigint NOT NULL CHECK (score BETWEEN 1 AND 99),
    note          text NOT NULL,
    source        text NOT NULL,
    PRIMARY KEY (screening_id, domain)
);

CREATE FUNCTION screening_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'screenings are kept as recorded'; END; $$;
CREATE TRIGGER screening_no_update BEFORE UPDATE ON screening FOR EACH ROW EXECUTE FUNCTION screening_kept();
CREATE TRIGGER screening_score_no_update BEFORE UPDATE ON screening_score FOR EACH ROW EXECUTE FUNCTION screening_kept();

CREATE TABLE plan (
    id          uuid PRIMARY KEY,
    person_id   uuid NOT NULL REFERENCES person(id),
    status      text NOT NULL,
    started_on  date NOT NULL,
    version     bigint NOT NULL,
    state       text NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  uuid NOT NULL REFERENCES member(id),
    updated_at  timestamptz NOT NULL
);
CREATE INDEX plan_person ON plan(person_id, created_at);

CREATE TABLE plan_event (
    plan_id    uuid NOT NULL REFERENCES plan(id),
    version    bigint NOT NULL,
    kind       text NOT NULL,
    at         timestamptz NOT NULL,
    on_day     date NOT NULL,
    member_id  uuid NOT NULL REFERENCES member(id),
    agency_id  uuid NOT NULL REFERENCES agency(id),
    command    text NOT NULL,
    state      text NOT NULL,
    PRIMARY KEY (plan_id, version)
);
CREATE INDEX plan_event_at ON plan_event(plan_id, at);

CREATE FUNCTION plan_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'plan history is append-only'; END; $$;
CREATE TRIGGER plan_event_no_change BEFORE UPDATE OR DELETE ON plan_event
    FOR EACH ROW EXECUTE FUNCTION plan_event_append_only();

CREATE TABLE plan_task (
    task_id       uuid PRIMARY KEY,
    plan_id       uuid NOT NULL REFERENCES plan(id),
    person_id     uuid NOT NULL REFERENCES person(id),
    owner_agency  uuid NOT NULL,
    owner_member  uuid,
    due           date NOT NULL
);
CREATE INDEX plan_task_plan ON plan_task(plan_id);
CREATE INDEX plan_task_agency ON plan_task(owner_agency, due);
CREATE INDEX plan_task_member ON plan_task(owner_member, due);
