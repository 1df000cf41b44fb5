-- The plan's history as changes, not copies (issue 16, item 7). Append-only: never edit a
-- released migration, add one. Same shape in migrations/sqlite and migrations/postgres.
--
-- Until now every plan_event row held the whole plan after its change (`state`), so a plan's
-- history grew with the square of its size (ten notes of 5,000 characters on a plan of 50
-- tasks: 470 kB; one database reached 2.3 GB). From now on a row holds `change`, what its
-- command changed in the plan's JSON against the row before it, or now and then the whole
-- plan as a snapshot in `state`; a version is read by applying the changes after the nearest
-- snapshot (crates/store/src/plan/history.rs, which writes rows the same way).
--
-- The existing rows are converted here, in the migration's one transaction:
--   1. each row's change against the row before it, from the two copies, with jsonb: for every
--      top-level member of the plan that differs, {"to": value}; for a list in both (the
--      notes, tasks, goals, measures, team), {"len": n, "at": [[i, item], ...]} with the
--      items that differ;
--   2. which copies to keep as snapshots, walking each plan's rows in order with the rule the
--      store writes by: the first row, and any row where the changes since the last snapshot
--      (its own included) outweigh that snapshot, or 64 rows after it;
--   3. every other row trades its copy for its change.
--
-- plan_event is append-only: the trigger plan_event_no_change refuses UPDATE and DELETE. Step
-- 3 must update rows, so the trigger is disabled for it and enabled again right after, in the
-- same transaction. This is safe: ALTER TABLE holds an ACCESS EXCLUSIVE lock on plan_event
-- until the migration commits, so no other session can write (or read) the table while the
-- trigger is off; DDL is transactional, so a failure anywhere rolls back the conversion and
-- the trigger's state together, and no one ever sees the trigger disabled; the update is the
-- only statement that runs meanwhile, and it only replaces a copy of the plan by its change
-- from the row before, which that row (or the snapshot before it) still holds. Every version
-- reads back exactly as its copy was (the upgrade test in the store's conformance suite checks
-- every version, on both databases). The table and its TOAST keep their size on disk until a
-- VACUUM FULL (or pg_repack) of plan_event; a plain (auto)vacuum makes the space reusable.
ALTER TABLE plan_event
    ALTER COLUMN state DROP NOT NULL,
    ADD COLUMN change text,
    ADD CONSTRAINT plan_event_state_or_change CHECK (state IS NOT NULL OR change IS NOT NULL);
COMMENT ON COLUMN plan_event.state IS 'The whole plan after the change (a snapshot), or NULL where change holds it.';
COMMENT ON COLUMN plan_event.change IS 'The change from the version before, as JSON; NULL in a snapshot.';

CREATE FUNCTION plan_event_0027_change(before jsonb, after jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_object_agg(k.key,
        CASE WHEN jsonb_typeof(k.value) = 'array' AND jsonb_typeof(before -> k.key) = 'array'
            THEN jsonb_build_object(
                'len', jsonb_array_length(k.value),
                'at', coalesce((
                    SELECT jsonb_agg(jsonb_build_array(x.i - 1, x.item) ORDER BY x.i)
                    FROM jsonb_array_elements(k.value) WITH ORDINALITY AS x(item, i)
                    WHERE (before -> k.key -> (x.i::int - 1)) IS DISTINCT FROM x.item
                ), '[]'::jsonb))
            ELSE jsonb_build_object('to', k.value)
        END), '{}'::jsonb)
    FROM jsonb_each(after) AS k
    WHERE (before -> k.key) IS DISTINCT FROM k.value
$$;

-- 1. The change of every row that has a row before it.
CREATE TEMP TABLE plan_event_0027_change ON COMMIT DROP AS
SELECT c.plan_id, c.version, octet_length(c.state) AS state_bytes,
    CASE WHEN p.state IS NULL THEN NULL
         ELSE plan_event_0027_change(p.state::jsonb, c.state::jsonb)::text END AS change
FROM plan_event AS c
LEFT JOIN plan_event AS p ON p.plan_id = c.plan_id AND p.version = c.version - 1;
ALTER TABLE plan_event_0027_change ADD PRIMARY KEY (plan_id, version);
DROP FUNCTION plan_event_0027_change(jsonb, jsonb);

-- 2. Which rows keep their copy: walk each plan's rows in order.
CREATE TEMP TABLE plan_event_0027_keep ON COMMIT DROP AS
WITH RECURSIVE walk (plan_id, version, snapshot_version, snapshot_bytes, since_bytes, keep) AS (
    SELECT plan_id, version, version, CAST(state_bytes AS bigint), CAST(0 AS bigint), 1
    FROM plan_event_0027_change WHERE change IS NULL
    UNION ALL
    SELECT n.plan_id, n.version,
        CASE WHEN n.version - w.snapshot_version >= 64
                  OR w.since_bytes + octet_length(n.change) > w.snapshot_bytes
             THEN n.version ELSE w.snapshot_version END,
        CASE WHEN n.version - w.snapshot_version >= 64
                  OR w.since_bytes + octet_length(n.change) > w.snapshot_bytes
             THEN CAST(n.state_bytes AS bigint) ELSE w.snapshot_bytes END,
        CASE WHEN n.version - w.snapshot_version >= 64
                  OR w.since_bytes + octet_length(n.change) > w.snapshot_bytes
             THEN CAST(0 AS bigint) ELSE w.since_bytes + octet_length(n.change) END,
        CASE WHEN n.version - w.snapshot_version >= 64
                  OR w.since_bytes + octet_length(n.change) > w.snapshot_bytes
             THEN 1 ELSE 0 END
    FROM walk AS w
    JOIN plan_event_0027_change AS n ON n.plan_id = w.plan_id AND n.version = w.version + 1
)
SELECT plan_id, version, keep FROM walk;

-- 3. Every row that is not a snapshot keeps only its change (the snapshots stay as they are).
ALTER TABLE plan_event DISABLE TRIGGER plan_event_no_change;
UPDATE plan_event AS e SET state = NULL, change = c.change
FROM plan_event_0027_keep AS k, plan_event_0027_change AS c
WHERE k.keep = 0 AND e.plan_id = k.plan_id AND e.version = k.version
  AND c.plan_id = k.plan_id AND c.version = k.version;
ALTER TABLE plan_event ENABLE TRIGGER plan_event_no_change;

-- The snapshots, for "the nearest snapshot at or before version v".
CREATE INDEX plan_event_snapshot ON plan_event(plan_id, version) WHERE state IS NOT NULL;
