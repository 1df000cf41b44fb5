-- The finder sums each candidate's completions of the last 12 weeks (at most 84 day rows per
-- intervention). Through the primary key alone PostgreSQL fetched a heap page per row — three
-- quarters of the statement's buffer reads at national scale (EXPLAIN: 5.3 ms → 1.7 ms with this
-- index, answered by an index-only scan).
CREATE INDEX intervention_finished_cover ON intervention_finished (intervention_id, ended_on) INCLUDE (finished);
