-- Issue 21 (views4): who commissions whom. A commissioner (a municipality, a region) contracts
-- provider agencies to deliver interventions; its commissioner members see the aggregates of
-- those contracts' work. A contract ends by a newer row with `ended_on`, never by a change.
CREATE TABLE commissioned_contract (
    id                uuid PRIMARY KEY,
    commissioner_id   uuid NOT NULL REFERENCES agency(id),
    provider_id       uuid NOT NULL REFERENCES agency(id),
    starts_on         date NOT NULL,
    ends_on           date,
    recorded_by       text NOT NULL,
    recorded_at       timestamptz NOT NULL
);
CREATE INDEX commissioned_contract_commissioner ON commissioned_contract(commissioner_id);

-- Issue 20 (views4): a mentor match ended by the mentor coordinator, with a reason category
-- and the date it ended. The match's state says it ended; every ending is kept here too,
-- append-only, as its history.
CREATE TABLE mentor_match_ending (
    id          uuid PRIMARY KEY,
    match_id    uuid NOT NULL REFERENCES mentor_match(id),
    person_id   uuid NOT NULL REFERENCES person(id),
    reason      text NOT NULL,
    ended_on    date NOT NULL,
    ended_by    uuid NOT NULL REFERENCES member(id),
    recorded_at timestamptz NOT NULL
);
CREATE INDEX mentor_match_ending_match ON mentor_match_ending(match_id);

CREATE FUNCTION contracts_and_match_endings_are_never_changed() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'contracts and mentor match endings are never changed or deleted: add a newer row';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER commissioned_contract_no_change BEFORE UPDATE OR DELETE ON commissioned_contract
    FOR EACH ROW EXECUTE FUNCTION contracts_and_match_endings_are_never_changed();
CREATE TRIGGER mentor_match_ending_no_change BEFORE UPDATE OR DELETE ON mentor_match_ending
    FOR EACH ROW EXECUTE FUNCTION contracts_and_match_endings_are_never_changed();
