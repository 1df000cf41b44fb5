-- Issue 21 (evmisc): contracts are kept through administration. A contract may name the one
-- intervention it buys and carries the commissioner's own reference; ending a contract is a
-- dated change kept as a row of its own (the newest counts), never an update or a delete.
ALTER TABLE commissioned_contract ADD COLUMN intervention_id uuid REFERENCES intervention(id);
ALTER TABLE commissioned_contract ADD COLUMN reference text NOT NULL DEFAULT '';
CREATE TABLE commissioned_contract_end (
    id           uuid PRIMARY KEY,
    contract_id  uuid NOT NULL REFERENCES commissioned_contract(id),
    ends_on      date NOT NULL,
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL
);
CREATE INDEX commissioned_contract_end_contract ON commissioned_contract_end(contract_id);
CREATE TRIGGER commissioned_contract_end_no_change BEFORE UPDATE OR DELETE ON commissioned_contract_end
    FOR EACH ROW EXECUTE FUNCTION contracts_and_match_endings_are_never_changed();
CREATE TRIGGER commissioned_contract_end_no_truncate BEFORE TRUNCATE ON commissioned_contract_end
    FOR EACH STATEMENT EXECUTE FUNCTION contracts_and_match_endings_are_never_changed();
CREATE TRIGGER commissioned_contract_no_truncate BEFORE TRUNCATE ON commissioned_contract
    FOR EACH STATEMENT EXECUTE FUNCTION contracts_and_match_endings_are_never_changed();
