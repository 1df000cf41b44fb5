-- Evidence (issue 6): a changed cohort tells the person's team. When a person of the extract
-- who is also a person of the case system (one of their identifiers is the extract's
-- person_id) joins or leaves a cohort, and has no open plan to put a task on, the change goes
-- on the cohort-changes list of the agencies on their case team. Each agency acknowledges it
-- for itself.
CREATE TABLE evidence_cohort_notice (
    id          BLOB PRIMARY KEY,
    person_id   BLOB NOT NULL REFERENCES person(id),
    rule_name   TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    change      TEXT NOT NULL CHECK (change IN ('joined', 'left')),
    created_at  INTEGER NOT NULL,
    created_by  BLOB NOT NULL REFERENCES member(id)
);
CREATE INDEX evidence_cohort_notice_person ON evidence_cohort_notice(person_id, created_at);

CREATE TABLE evidence_cohort_notice_ack (
    notice_id  BLOB NOT NULL REFERENCES evidence_cohort_notice(id),
    agency_id  BLOB NOT NULL REFERENCES agency(id),
    member_id  BLOB NOT NULL REFERENCES member(id),
    at         INTEGER NOT NULL,
    PRIMARY KEY (notice_id, agency_id)
) WITHOUT ROWID;

-- The extract's generation: every import, recorded cohort history and manual cohort decision
-- adds one, in its own transaction, so that every server holding the extract in memory sees
-- with one cheap read that it must load it again.
CREATE TABLE evidence_generation (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    generation  INTEGER NOT NULL
);
INSERT INTO evidence_generation (id, generation) VALUES (1, 0);
