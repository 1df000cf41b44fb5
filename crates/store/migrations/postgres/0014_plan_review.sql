-- The weekly review pages through an agency's running plans, those needing attention first
-- (overdue tasks, a re-evaluation due), so the order must be known without reading every
-- plan's JSON: the re-evaluation date becomes a column, kept with the state on every write.
ALTER TABLE plan ADD COLUMN re_evaluation_on date;
UPDATE plan SET re_evaluation_on = (state::jsonb ->> 're_evaluation_on')::date;
-- Overdue tasks per plan, counted from the index alone.
CREATE INDEX plan_task_plan_due ON plan_task(plan_id, due);
