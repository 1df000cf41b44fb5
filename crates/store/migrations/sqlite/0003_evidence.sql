-- Evidence (issue 6): the police/court record extract in the offence-history interchange
-- format, cohort membership over time, and manual cohort decisions.
-- Source ids are the extract's own ids (text); an import upserts by them, so re-importing is
-- idempotent and a newer extract updates outcomes. An extract adds or updates, never deletes.
-- Labels that may be unknown (sex, area, offence_type, kind, group) are '' for the format's
-- empty cell; unknown dates are NULL; seriousness is NULL when unknown.
-- Tables are WITHOUT ROWID: one B-tree each, keyed and ordered by the source id.

CREATE TABLE evidence_person (
    source_id   TEXT PRIMARY KEY,
    birth_date  TEXT,
    sex         TEXT NOT NULL CHECK (sex IN ('', 'F', 'M', 'X')),
    area        TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE evidence_offence (
    source_id     TEXT PRIMARY KEY,
    person_id     TEXT NOT NULL REFERENCES evidence_person(source_id),
    offence_date  TEXT NOT NULL,
    outcome_date  TEXT,
    outcome       TEXT NOT NULL CHECK (outcome IN ('conviction', 'caution', 'penalty_order',
                      'conditional_dismissal', 'dismissal', 'acquittal', 'pending')),
    offence_type  TEXT NOT NULL,
    seriousness   INTEGER CHECK (seriousness BETWEEN 1 AND 10)
) WITHOUT ROWID;

-- Index events have no source id: a row is identified by all its columns plus its occurrence
-- (1 for the first identical row in an extract, 2 for a repeat, ...), so repeated identical
-- rows survive a round trip and re-importing adds nothing.
CREATE TABLE evidence_index_event (
    person_id    TEXT NOT NULL REFERENCES evidence_person(source_id),
    index_date   TEXT NOT NULL,
    kind         TEXT NOT NULL,
    group_label  TEXT NOT NULL,
    occurrence   INTEGER NOT NULL CHECK (occurrence >= 1),
    PRIMARY KEY (person_id, index_date, kind, group_label, occurrence)
) WITHOUT ROWID;

-- One row per committed import (what was read, what changed, what was rejected).
CREATE TABLE evidence_import (
    id            BLOB PRIMARY KEY,
    at            INTEGER NOT NULL,
    source        TEXT NOT NULL,
    persons       INTEGER NOT NULL,
    offences      INTEGER NOT NULL,
    index_events  INTEGER NOT NULL,
    written       INTEGER NOT NULL,
    rejected      INTEGER NOT NULL
);

-- Cohort membership over time: who joined or left a rule's cohort on which evaluation date,
-- and why (the rule, a manual decision, or the end of one).
CREATE TABLE evidence_cohort_event (
    rule_name    TEXT NOT NULL,
    on_date      TEXT NOT NULL,
    person_id    TEXT NOT NULL REFERENCES evidence_person(source_id),
    change       TEXT NOT NULL CHECK (change IN ('joined', 'left')),
    cause        TEXT NOT NULL CHECK (cause IN ('rule', 'override', 'override_ended')),
    reason       TEXT,
    decided_by   TEXT,
    recorded_at  INTEGER NOT NULL,
    PRIMARY KEY (rule_name, on_date, person_id)
) WITHOUT ROWID;
CREATE INDEX evidence_cohort_event_recorded ON evidence_cohort_event(recorded_at);

-- Manual selections and deselections; never changed or deleted: a later decision for the
-- same person and rule wins from its own date on.
CREATE TABLE evidence_cohort_override (
    id           BLOB PRIMARY KEY,
    rule_name    TEXT NOT NULL,
    person_id    TEXT NOT NULL REFERENCES evidence_person(source_id),
    kind         TEXT NOT NULL CHECK (kind IN ('select', 'deselect')),
    from_date    TEXT NOT NULL,
    reason       TEXT NOT NULL CHECK (reason <> ''),
    decided_by   TEXT NOT NULL,
    decided_at   INTEGER NOT NULL
);
CREATE INDEX evidence_cohort_override_rule ON evidence_cohort_override(rule_name, person_id);
CREATE TRIGGER evidence_cohort_override_no_update BEFORE UPDATE ON evidence_cohort_override
    BEGIN SELECT RAISE(ABORT, 'evidence_cohort_override is append-only'); END;
CREATE TRIGGER evidence_cohort_override_no_delete BEFORE DELETE ON evidence_cohort_override
    BEGIN SELECT RAISE(ABORT, 'evidence_cohort_override is append-only'); END;
