-- Issue 21 (evmisc): contracts are kept through administration. A contract may name the one
-- intervention it buys and carries the commissioner's own reference; ending a contract is a
-- dated change kept as a row of its own (the newest counts), never an update or a delete.
ALTER TABLE commissioned_contract ADD COLUMN intervention_id BLOB REFERENCES intervention(id);
ALTER TABLE commissioned_contract ADD COLUMN reference TEXT NOT NULL DEFAULT '';
CREATE TABLE commissioned_contract_end (
    id           BLOB PRIMARY KEY,
    contract_id  BLOB NOT NULL REFERENCES commissioned_contract(id),
    ends_on      TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  INTEGER NOT NULL
);
CREATE INDEX commissioned_contract_end_contract ON commissioned_contract_end(contract_id);
CREATE TRIGGER commissioned_contract_end_no_update BEFORE UPDATE ON commissioned_contract_end
BEGIN SELECT RAISE(ABORT, 'commissioned_contract_end is append-only'); END;
CREATE TRIGGER commissioned_contract_end_no_delete BEFORE DELETE ON commissioned_contract_end
BEGIN SELECT RAISE(ABORT, 'commissioned_contract_end is append-only'); END;
