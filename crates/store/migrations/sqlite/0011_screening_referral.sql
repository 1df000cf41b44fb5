-- Beyond the case (issue 5): the ZSM table refers a suspect for screening when probation's
-- quick scan raises signals, or when the prosecutor's disposal starts case management. One
-- row per case and reason; it is answered by the next screening of the person.
CREATE TABLE screening_referral (
    id           BLOB PRIMARY KEY,
    person_id    BLOB NOT NULL REFERENCES person(id),
    case_id      BLOB NOT NULL REFERENCES zsm_case(id),
    location     TEXT NOT NULL,
    reason       TEXT NOT NULL CHECK (reason IN ('quick_scan', 'case_management')),
    advice       TEXT,
    signals      TEXT NOT NULL,
    referred_at  INTEGER NOT NULL,
    referred_by  BLOB NOT NULL REFERENCES member(id),
    screening_id BLOB REFERENCES screening(id),
    UNIQUE (case_id, reason)
);
CREATE INDEX screening_referral_open ON screening_referral(person_id) WHERE screening_id IS NULL;
CREATE INDEX screening_referral_waiting ON screening_referral(referred_at) WHERE screening_id IS NULL;
