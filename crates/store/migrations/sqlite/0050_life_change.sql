-- The Life Change programme (issue 20): cohorts kept whole as JSON of the domain value (with
-- their six weeks of appointments), who takes part, an append-only attendance register (a
-- correction is a newer row) and the append-only steps of graduates through the mentor
-- pipeline (invited, in training, mentor, declined; the newest counts).
CREATE TABLE life_change_cohort (
    id          BLOB PRIMARY KEY,
    agency_id   BLOB NOT NULL REFERENCES agency(id),
    starts_on   TEXT NOT NULL,
    state       TEXT NOT NULL
);
CREATE INDEX life_change_cohort_agency ON life_change_cohort(agency_id, starts_on);

CREATE TABLE life_change_participant (
    cohort_id    BLOB NOT NULL REFERENCES life_change_cohort(id),
    person_id    BLOB NOT NULL REFERENCES person(id),
    enrolled_by  BLOB NOT NULL REFERENCES member(id),
    enrolled_at  INTEGER NOT NULL,
    PRIMARY KEY (cohort_id, person_id)
);
CREATE INDEX life_change_participant_person ON life_change_participant(person_id);

CREATE TABLE life_change_attendance (
    cohort_id       BLOB NOT NULL REFERENCES life_change_cohort(id),
    appointment_id  BLOB NOT NULL,
    person_id       BLOB NOT NULL REFERENCES person(id),
    attended        BOOLEAN NOT NULL,
    recorded_by     BLOB NOT NULL REFERENCES member(id),
    recorded_at     INTEGER NOT NULL
);
CREATE INDEX life_change_attendance_cohort ON life_change_attendance(cohort_id, recorded_at);

CREATE TABLE life_change_pipeline (
    id          BLOB PRIMARY KEY,
    agency_id   BLOB NOT NULL REFERENCES agency(id),
    person_id   BLOB NOT NULL REFERENCES person(id),
    cohort_id   BLOB NOT NULL REFERENCES life_change_cohort(id),
    stage       TEXT NOT NULL CHECK (stage IN ('invited', 'in_training', 'mentor', 'declined')),
    member_id   BLOB REFERENCES member(id),
    on_date     TEXT NOT NULL,
    by_member   BLOB NOT NULL REFERENCES member(id),
    at          INTEGER NOT NULL
);
CREATE INDEX life_change_pipeline_agency ON life_change_pipeline(agency_id, at);

-- History is never changed: the register and the pipeline only grow.
CREATE TRIGGER life_change_attendance_no_update BEFORE UPDATE ON life_change_attendance
BEGIN SELECT RAISE(ABORT, 'life_change_attendance is append-only'); END;
CREATE TRIGGER life_change_attendance_no_delete BEFORE DELETE ON life_change_attendance
BEGIN SELECT RAISE(ABORT, 'life_change_attendance is append-only'); END;
CREATE TRIGGER life_change_pipeline_no_update BEFORE UPDATE ON life_change_pipeline
BEGIN SELECT RAISE(ABORT, 'life_change_pipeline is append-only'); END;
CREATE TRIGGER life_change_pipeline_no_delete BEFORE DELETE ON life_change_pipeline
BEGIN SELECT RAISE(ABORT, 'life_change_pipeline is append-only'); END;

-- A person withdraws or extends their consent to what their mentor sees after the match: the
-- match's state changes at once and every change is kept here, append-only.
CREATE TABLE mentor_consent_change (
    id          BLOB PRIMARY KEY,
    match_id    BLOB NOT NULL REFERENCES mentor_match(id),
    person_id   BLOB NOT NULL REFERENCES person(id),
    consented   TEXT NOT NULL,
    changed_by  BLOB NOT NULL REFERENCES member(id),
    changed_at  INTEGER NOT NULL
);
CREATE INDEX mentor_consent_change_match ON mentor_consent_change(match_id, changed_at);
CREATE TRIGGER mentor_consent_change_no_update BEFORE UPDATE ON mentor_consent_change
BEGIN SELECT RAISE(ABORT, 'mentor_consent_change is append-only'); END;
CREATE TRIGGER mentor_consent_change_no_delete BEFORE DELETE ON mentor_consent_change
BEGIN SELECT RAISE(ABORT, 'mentor_consent_change is append-only'); END;

-- Community networks: a community activity of the catalogue linked to one of a person's goals,
-- without a referral.
CREATE TABLE community_link (
    id               BLOB PRIMARY KEY,
    person_id        BLOB NOT NULL REFERENCES person(id),
    intervention_id  BLOB NOT NULL,
    activity         TEXT NOT NULL,
    goal             TEXT NOT NULL,
    linked_by        BLOB NOT NULL REFERENCES member(id),
    linked_at        INTEGER NOT NULL
);
CREATE INDEX community_link_person ON community_link(person_id, linked_at);
