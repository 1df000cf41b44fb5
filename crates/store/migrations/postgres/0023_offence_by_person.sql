-- Import speed (issue 6): on SQLite a person's offences became a table of its own, appended
-- by the importer in key order, instead of an index that cost half of a national import to
-- build. PostgreSQL builds its index quickly, so it keeps evidence_offence_person and gets
-- a view of the same name and columns: the ZSM prior-record query is written once and
-- reads both backends alike.
CREATE VIEW evidence_offence_by_person AS SELECT person_id, source_id FROM evidence_offence;
