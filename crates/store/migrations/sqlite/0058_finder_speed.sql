-- Interventions at national scale, second pass (issue 19): the finder and the provider's
-- waiting list answered from indexes alone. Append-only: never edit a released migration, add
-- one. Same shape in migrations/sqlite and migrations/postgres.
--
-- The waiting list in queue order (by when each referral was queued), a provider and status
-- at a time, from the index alone: without it the first page sorted every queued referral of
-- the provider. Only referrals that were ever queued have `queued_at`.
CREATE INDEX referral_provider_queue ON referral(provider_id, status, queued_at, id, person_id, intervention_id,
    intervention_name, task_id, created_on, started_on, session_count) WHERE queued_at IS NOT NULL;

-- The finder's latest screening of a person: the newest by date, then id, as one index probe
-- (the old index left ties on the date to a sort).
CREATE INDEX screening_person_latest ON screening(person_id, screened_on, id);
DROP INDEX screening_person;

