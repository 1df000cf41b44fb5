-- What works (issue 21): the extract's own "data up to" date — the latest offence or outcome
-- date it holds — kept with each import, so evidence pages measure as of the date the data
-- reaches rather than today (which would count the months after the extract as "no
-- reoffending"). NULL for imports before this migration. Append-only: never edit a released
-- migration, add one.
ALTER TABLE evidence_import ADD COLUMN data_up_to TEXT;
