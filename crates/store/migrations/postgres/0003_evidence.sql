-- Evidence (issue 6): the police/court record extract in the offence-history interchange
-- format, cohort membership over time, and manual cohort decisions. Same shape as the SQLite
-- migration; see there for the conventions. Source ids use the "C" collation so that their
-- index order is code-point order (what the evidence crate sorts by), whatever the
-- database's locale.

CREATE TABLE evidence_person (
    source_id   text COLLATE "C" PRIMARY KEY,
    birth_date  date,
    sex         text NOT NULL CHECK (sex IN ('', 'F', 'M', 'X')),
    area        text NOT NULL
);

CREATE TABLE evidence_offence (
    source_id     text COLLATE "C" PRIMARY KEY,
    person_id     text COLLATE "C" NOT NULL REFERENCES evidence_person(source_id),
    offence_date  date NOT NULL,
    outcome_date  date,
    outcome       text NOT NULL CHECK (outcome IN ('conviction', 'caution', 'penalty_order',
                      'conditional_dismissal', 'dismissal', 'acquittal', 'pending')),
    offence_type  text NOT NULL,
    seriousness   bigint CHECK (seriousness BETWEEN 1 AND 10)
);

CREATE TABLE evidence_index_event (
    person_id    text COLLATE "C" NOT NULL REFERENCES evidence_person(source_id),
    index_date   date NOT NULL,
    kind         text COLLATE "C" NOT NULL,
    group_label  text COLLATE "C" NOT NULL,
    occurrence   bigint NOT NULL CHECK (occurrence >= 1),
    PRIMARY KEY (person_id, index_date, kind, group_label, occurrence)
);

CREATE TABLE evidence_import (
    id            uuid PRIMARY KEY,
    at            timestamptz NOT NULL,
    source        text NOT NULL,
    persons       bigint NOT NULL,
    offences      bigint NOT NULL,
    index_events  bigint NOT NULL,
    written       bigint NOT NULL,
    rejected      bigint NOT NULL
);

CREATE TABLE evidence_cohort_event (
    rule_name    text NOT NULL,
    on_date      date NOT NULL,
    person_id    text COLLATE "C" NOT NULL REFERENCES evidence_person(source_id),
    change       text NOT NULL CHECK (change IN ('joined', 'left')),
    cause        text NOT NULL CHECK (cause IN ('rule', 'override', 'override_ended')),
    reason       text,
    decided_by   text,
    recorded_at  timestamptz NOT NULL,
    PRIMARY KEY (rule_name, on_date, person_id)
);
CREATE INDEX evidence_cohort_event_recorded ON evidence_cohort_event(recorded_at);

CREATE TABLE evidence_cohort_override (
    id           uuid PRIMARY KEY,
    rule_name    text NOT NULL,
    person_id    text COLLATE "C" NOT NULL REFERENCES evidence_person(source_id),
    kind         text NOT NULL CHECK (kind IN ('select', 'deselect')),
    from_date    date NOT NULL,
    reason       text NOT NULL CHECK (reason <> ''),
    decided_by   text NOT NULL,
    decided_at   timestamptz NOT NULL
);
CREATE INDEX evidence_cohort_override_rule ON evidence_cohort_override(rule_name, person_id);

CREATE FUNCTION evidence_cohort_override_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'evidence_cohort_override is append-only';
END;
$$;
CREATE TRIGGER evidence_cohort_override_no_change BEFORE UPDATE OR DELETE ON evidence_cohort_override
    FOR EACH ROW EXECUTE FUNCTION evidence_cohort_override_append_only();
