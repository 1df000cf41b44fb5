-- "Beyond the case" (issue 5): the outstanding tasks of measures (an exclusion order's help
-- tasks), indexed by owning agency and due date so "my agency's tasks" reads them beside the
-- plan tasks (`plan_task`) in one ordered query. Rewritten from the measure on every save, like
-- `plan_task` from the plan: the measure's JSON stays the record. Append-only: never edit a
-- released migration, add one.
CREATE TABLE measure_task (
    task_id       uuid PRIMARY KEY,
    measure_id    uuid NOT NULL REFERENCES measure(id),
    person_id     uuid NOT NULL REFERENCES person(id),
    owner_agency  uuid NOT NULL,
    due           date NOT NULL
);
CREATE INDEX measure_task_measure ON measure_task(measure_id);
CREATE INDEX measure_task_agency ON measure_task(owner_agency, due);
