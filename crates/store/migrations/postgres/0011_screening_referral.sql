-- Beyond the case (issue 5): the ZSM table refers a suspect for screening when probation's
-- quick scan raises signals, or when the prosecutor's disposal starts case management. One
-- row per case and reason; it is answered by the next screening of the person.
CREATE TABLE screening_referral (
    id           uuid PRIMARY KEY,
    person_id    uuid NOT NULL REFERENCES person(id),
    case_id      uuid NOT NULL REFERENCES zsm_case(id),
    location     text NOT NULL,
    reason       text NOT NULL CHECK (reason IN ('quick_scan', 'case_management')),
    advice       text,
    signals      text NOT NULL,
    referred_at  timestamptz NOT NULL,
    referred_by  uuid NOT NULL REFERENCES member(id),
    screening_id uuid REFERENCES screening(id),
    UNIQUE (case_id, reason)
);
CREATE INDEX screening_referral_open ON screening_referral(person_id) WHERE screening_id IS NULL;
CREATE INDEX screening_referral_waiting ON screening_referral(referred_at) WHERE screening_id IS NULL;
