-- The Life Change programme (issue 20): cohorts kept whole as JSON of the domain value (with
-- their six weeks of appointments), who takes part, an append-only attendance register (a
-- correction is a newer row) and the append-only steps of graduates through the mentor
-- pipeline (invited, in training, mentor, declined; the newest counts).
CREATE TABLE life_change_cohort (
    id          uuid PRIMARY KEY,
    agency_id   uuid NOT NULL REFERENCES agency(id),
    starts_on   date NOT NULL,
    state       text NOT NULL
);
CREATE INDEX life_change_cohort_agency ON life_change_cohort(agency_id, starts_on);

CREATE TABLE life_change_participant (
    cohort_id    uuid NOT NULL REFERENCES life_change_cohort(id),
    person_id    uuid NOT NULL REFERENCES person(id),
    enrolled_by  uuid NOT NULL REFERENCES member(id),
    enrolled_at  timestamptz NOT NULL,
    PRIMARY KEY (cohort_id, person_id)
);
CREATE INDEX life_change_participant_person ON life_change_participant(person_id);

CREATE TABLE life_change_attendance (
    cohort_id       uuid NOT NULL REFERENCES life_change_cohort(id),
    appointment_id  uuid NOT NULL,
    person_id       uuid NOT NULL REFERENCES person(id),
    attended        boolean NOT NULL,
    recorded_by     uuid NOT NULL REFERENCES member(id),
    recorded_at     timestamptz NOT NULL
);
CREATE INDEX life_change_attendance_cohort ON life_change_attendance(cohort_id, recorded_at);

CREATE TABLE life_change_pipeline (
    id          uuid PRIMARY KEY,
    agency_id   uuid NOT NULL REFERENCES agency(id),
    person_id   uuid NOT NULL REFERENCES person(id),
    cohort_id   uuid NOT NULL REFERENCES life_change_cohort(id),
    stage       text NOT NULL CHECK (stage IN ('invited', 'in_training', 'mentor', 'declined')),
    member_id   uuid REFERENCES member(id),
    on_date     date NOT NULL,
    by_member   uuid NOT NULL REFERENCES member(id),
    at          timestamptz NOT NULL
);
CREATE INDEX life_change_pipeline_agency ON life_change_pipeline(agency_id, at);

-- History is never changed: the register and the pipeline only grow.
CREATE FUNCTION mentoring_history_is_never_changed() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the Life Change register, the pipeline and consent changes are never changed or deleted: add a newer row';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER life_change_attendance_no_change BEFORE UPDATE OR DELETE ON life_change_attendance
    FOR EACH ROW EXECUTE FUNCTION mentoring_history_is_never_changed();
CREATE TRIGGER life_change_pipeline_no_change BEFORE UPDATE OR DELETE ON life_change_pipeline
    FOR EACH ROW EXECUTE FUNCTION mentoring_history_is_never_changed();

-- A person withdraws or extends their consent to what their mentor sees after the match: the
-- match's state changes at once and every change is kept here, append-only.
CREATE TABLE mentor_consent_change (
    id          uuid PRIMARY KEY,
    match_id    uuid NOT NULL REFERENCES mentor_match(id),
    person_id   uuid NOT NULL REFERENCES person(id),
    consented   text NOT NULL,
    changed_by  uuid NOT NULL REFERENCES member(id),
    changed_at  timestamptz NOT NULL
);
CREATE INDEX mentor_consent_change_match ON mentor_consent_change(match_id, changed_at);
CREATE TRIGGER mentor_consent_change_no_change BEFORE UPDATE OR DELETE ON mentor_consent_change
    FOR EACH ROW EXECUTE FUNCTION mentoring_history_is_never_changed();

-- Community networks: a community activity of the catalogue linked to one of a person's goals,
-- without a referral.
CREATE TABLE community_link (
    id               uuid PRIMARY KEY,
    person_id        uuid NOT NULL REFERENCES person(id),
    intervention_id  uuid NOT NULL,
    activity         text NOT NULL,
    goal             text NOT NULL,
    linked_by        uuid NOT NULL REFERENCES member(id),
    linked_at        timestamptz NOT NULL
);
CREATE INDEX community_link_person ON community_link(person_id, linked_at);
