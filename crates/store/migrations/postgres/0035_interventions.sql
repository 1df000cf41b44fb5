-- Interventions (issue 19). Append-only: never edit a released migration, add one.
-- Same shape in migrations/sqlite and migrations/postgres (the conformance suite runs both).
--
-- The catalogue: each entry kept whole as JSON of the domain value with a version; every
-- version kept in `intervention_version` (history). The needs it addresses are indexed so the
-- finder reads only the entries for a person's needs.
CREATE TABLE intervention (
    id           uuid PRIMARY KEY,
    provider_id  uuid NOT NULL REFERENCES agency(id),
    active       boolean NOT NULL,
    state        text NOT NULL,
    version      bigint NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX intervention_provider ON intervention(provider_id);

CREATE TABLE intervention_version (
    intervention_id  uuid NOT NULL REFERENCES intervention(id),
    version          bigint NOT NULL,
    at               timestamptz NOT NULL,
    member_id        uuid NOT NULL REFERENCES member(id),
    state            text NOT NULL,
    PRIMARY KEY (intervention_id, version)
);

CREATE TABLE intervention_need (
    need             text NOT NULL,
    intervention_id  uuid NOT NULL REFERENCES intervention(id),
    PRIMARY KEY (need, intervention_id)
);

-- The referral lifecycle as data: which status may follow which, and by which side. A
-- deployment changes its lifecycle by changing these rows, not the code.
CREATE TABLE referral_transition (
    from_status  text NOT NULL,
    to_status    text NOT NULL,
    side         text NOT NULL,
    PRIMARY KEY (from_status, to_status, side)
);
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
    id               uuid PRIMARY KEY,
    person_id        uuid NOT NULL REFERENCES person(id),
    intervention_id  uuid NOT NULL REFERENCES intervention(id),
    provider_id      uuid NOT NULL REFERENCES agency(id),
    referrer_agency  uuid NOT NULL REFERENCES agency(id),
    task_id          uuid,
    status           text NOT NULL,
    queued_at        timestamptz,
    started_on       date,
    ended_on         date,
    state            text NOT NULL,
    version          bigint NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX referral_provider ON referral(provider_id, status, id);
CREATE INDEX referral_intervention ON referral(intervention_id, status, ended_on);
CREATE INDEX referral_person ON referral(person_id);
CREATE INDEX referral_task ON referral(task_id);

-- Every change a row, never changed: who, when, for which side, the status after it.
CREATE TABLE referral_change (
    referral_id  uuid NOT NULL REFERENCES referral(id),
    version      bigint NOT NULL,
    at           timestamptz NOT NULL,
    member_id    uuid NOT NULL REFERENCES member(id),
    agency_id    uuid NOT NULL REFERENCES agency(id),
    side         text NOT NULL,
    status       text NOT NULL,
    action       text NOT NULL,
    detail       text NOT NULL,
    PRIMARY KEY (referral_id, version)
);
CREATE TRIGGER referral_change_no_change BEFORE UPDATE OR DELETE ON referral_change
    FOR EACH ROW EXECUTE FUNCTION outbox_append_only();
CREATE TRIGGER referral_change_no_truncate BEFORE TRUNCATE ON referral_change
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_append_only();

-- Unmet need: recorded per person, reported only in aggregate.
CREATE TABLE unmet_need (
    id         bigserial PRIMARY KEY,
    person_id  uuid NOT NULL REFERENCES person(id),
    need       text NOT NULL,
    area       text NOT NULL,
    reason     text NOT NULL,
    on_date    date NOT NULL,
    month      text NOT NULL,
    at         timestamptz NOT NULL,
    member_id  uuid NOT NULL REFERENCES member(id),
    agency_id  uuid NOT NULL REFERENCES agency(id)
);
CREATE INDEX unmet_need_on ON unmet_need(on_date);
