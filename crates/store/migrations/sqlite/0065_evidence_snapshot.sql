-- The evidence pages' snapshot of the extract (issue 21, "the speed of the question"). Append-
-- only: never edit a released migration, add one. Same shape in migrations/sqlite and
-- migrations/postgres.
--
-- The extract's columns as one binary value (`evidence::snapshot`: persons, offence dates,
-- outcomes, types, index events and labels, no offence ids), cut into parts in `part` order.
-- Written after every import for the generation (`evidence_generation`) it was made from, and
-- read only while that generation is current: a server's first evidence page reads these
-- parts instead of ten million rows. An old snapshot is replaced whole in one transaction.
CREATE TABLE evidence_snapshot (
    part        INTEGER NOT NULL PRIMARY KEY,
    generation  BIGINT  NOT NULL,
    bytes       BLOB    NOT NULL
);
