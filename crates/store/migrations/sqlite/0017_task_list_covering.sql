-- "My agency's tasks" and "my tasks" read the first hundred tasks in (due, task_id) order and
-- then the versions of their plans. With (owner, due) alone, every task sharing the hundredth
-- task's due date was read from the table and sorted (hundreds at national scale, where many
-- tasks fall due on one day). These indexes give the order and the columns read, so a list
-- reads index entries only.
DROP INDEX plan_task_agency;
CREATE INDEX plan_task_agency ON plan_task(owner_agency, due, task_id, plan_id);
DROP INDEX plan_task_member;
CREATE INDEX plan_task_member ON plan_task(owner_member, due, task_id, plan_id);
DROP INDEX measure_task_agency;
CREATE INDEX measure_task_agency ON measure_task(owner_agency, due, task_id, measure_id);
CREATE INDEX plan_version ON plan(id, version);
