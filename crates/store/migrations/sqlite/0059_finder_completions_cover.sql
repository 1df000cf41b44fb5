-- PostgreSQL gets a covering index for the finder's completions here. SQLite needs none: its
-- intervention_finished is a WITHOUT ROWID table, so the primary key already holds `finished`.
-- The number is kept so both backends have the same migration list.
SELECT 1;
