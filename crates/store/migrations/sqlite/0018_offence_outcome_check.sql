-- Import speed (issue 6): the same outcome constraint, written as comparisons joined by OR.
-- SQLite evaluates `outcome IN (…)` with more than two values through a temporary B-tree
-- that it builds and clears for every run of the insert statement, which was half the time
-- of loading offences; the comparisons cost a few byte compares per row. The table is
-- rebuilt (SQLite cannot change a constraint in place), rows and index unchanged.
CREATE TABLE evidence_offence_0018 (
    source_id     TEXT PRIMARY KEY,
    person_id     TEXT NOT NULL REFERENCES evidence_person(source_id),
    offence_date  TEXT NOT NULL,
    outcome_date  TEXT,
    outcome       TEXT NOT NULL CHECK (outcome = 'conviction' OR outcome = 'caution'
                      OR outcome = 'penalty_order' OR outcome = 'conditional_dismissal'
                      OR outcome = 'dismissal' OR outcome = 'acquittal' OR outcome = 'pending'),
    offence_type  TEXT NOT NULL,
    seriousness   INTEGER CHECK (seriousness BETWEEN 1 AND 10)
) WITHOUT ROWID;
INSERT INTO evidence_offence_0018
    (source_id, person_id, offence_date, outcome_date, outcome, offence_type, seriousness)
    SELECT source_id, person_id, offence_date, outcome_date, outcome, offence_type, seriousness
    FROM evidence_offence ORDER BY source_id;
DROP TABLE evidence_offence;
ALTER TABLE evidence_offence_0018 RENAME TO evidence_offence;
CREATE INDEX evidence_offence_person ON evidence_offence(person_id, offence_date);
