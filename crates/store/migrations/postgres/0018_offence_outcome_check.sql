-- Import speed (issue 6): the outcome constraint written as comparisons joined by OR, as in
-- the SQLite migration of the same number (where `IN (…)` costs a temporary B-tree per
-- insert statement). The same rule on both backends; PostgreSQL checks the existing rows.
ALTER TABLE evidence_offence
    DROP CONSTRAINT evidence_offence_outcome_check,
    ADD CONSTRAINT evidence_offence_outcome_check CHECK (outcome = 'conviction' OR outcome = 'caution'
        OR outcome = 'penalty_order' OR outcome = 'conditional_dismissal'
        OR outcome = 'dismissal' OR outcome = 'acquittal' OR outcome = 'pending');
