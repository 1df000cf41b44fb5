-- Issue 21 (views4): who commissions whom. A commissioner (a municipality, a region) contracts
-- provider agencies to deliver interventions; its commissioner members see the aggregates of
-- those contracts' work. A contract ends by a newer row with `ended_on`, never by a change.
CREATE TABLE commissioned_contract (
    id                BLOB PRIMARY KEY,
    commissioner_id   BLOB NOT NULL REFERENCES agency(id),
    provider_id       BLOB NOT NULL REFERENCES agency(id),
    starts_on         TEXT NOT NULL,
    ends_on           TEXT,
    recorded_by       TEXT NOT NULL,
    recorded_at       INTEGER NOT NULL
);
CREATE INDEX commissioned_contract_commissioner ON commissioned_contract(commissioner_id);
CREATE TRIGGER commissioned_contract_no_update BEFORE UPDATE ON commissioned_contract
BEGIN SELECT RAISE(ABORT, 'commissioned_contract is append-only'); END;
CREATE TRIGGER commissioned_contract_no_delete BEFORE DELETE ON commissioned_contract
BEGIN SELECT RAISE(ABORT, 'commissioned_contract is append-only'); END;

-- Issue 20 (views4): a mentor match ended by the mentor coordinator, with a reason category
-- and the date it ended. The match's state says it ended; every ending is kept here too,
-- append-only, as its history.
CREATE TABLE mentor_match_ending (
    id          BLOB PRIMARY KEY,
    match_id    BLOB NOT NULL REFERENCES mentor_match(id),
    person_id   BLOB NOT NULL REFERENCES person(id),
    reason      TEXT NOT NULL,
    ended_on    TEXT NOT NULL,
    ended_by    BLOB NOT NULL REFERENCES member(id),
    recorded_at INTEGER NOT NULL
);
CREATE INDEX mentor_match_ending_match ON mentor_match_ending(match_id);
CREATE TRIGGER mentor_match_ending_no_update BEFORE UPDATE ON mentor_match_ending
BEGIN SELECT RAISE(ABORT, 'mentor_match_ending is append-only'); END;
CREATE TRIGGER mentor_match_ending_no_delete BEFORE DELETE ON mentor_match_ending
BEGIN SELECT RAISE(ABORT, 'mentor_match_ending is append-only'); END;
