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
--   1. each row's change against the row before it, from the two copies, in SQL: for every
--      top-level member of the plan that differs, {"to": value}; for a list in both (the
--      notes, tasks, goals, measures, team), {"len": n, "at": [[i, item], ...]} with the
--      items that differ;
--   2. which copies to keep as snapshots, walking each plan's rows in order with the rule the
--      store writes by: the first row, and any row where the changes since the last snapshot
--      (its own included) outweigh that snapshot, or 64 rows after it;
--   3. every other copy is dropped; a kept snapshot needs no change.
--
-- plan_event is append-only (triggers refuse UPDATE and DELETE), and SQLite cannot make
-- `state` nullable in place, so the table is rebuilt: a new table is filled from the old one,
-- the old one is dropped (dropping a table fires none of its triggers) and the new one takes
-- its name, with the index and the same two triggers. This is safe: it runs in the one
-- transaction of the migration, under SQLite's write lock, before desist serves anything
-- (migrations run at start), so no one can write or read the table meanwhile, and a failure
-- leaves the old table as it was. Nothing is lost: every version reads back from a snapshot
-- and the changes after it exactly as its copy was (the upgrade test in the store's
-- conformance suite checks every version, on both databases). The file keeps its size until
-- a VACUUM; the pages freed are reused by later writes.
CREATE TABLE plan_event_0027 (
    plan_id    BLOB NOT NULL REFERENCES plan(id),
    version    INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    at         INTEGER NOT NULL,
    on_day     TEXT NOT NULL,
    member_id  BLOB NOT NULL REFERENCES member(id),
    agency_id  BLOB NOT NULL REFERENCES agency(id),
    command    TEXT NOT NULL,
    -- The whole plan after the change (a snapshot), or NULL where `change` holds it.
    state      TEXT,
    -- The change from the version before, as JSON; NULL in a snapshot.
    change     TEXT,
    PRIMARY KEY (plan_id, version),
    CHECK (state IS NOT NULL OR change IS NOT NULL)
);

-- 1. Every row with the change from the row before it (none for a plan's first row).
INSERT INTO plan_event_0027 (plan_id, version, kind, at, on_day, member_id, agency_id, command, state, change)
SELECT c.plan_id, c.version, c.kind, c.at, c.on_day, c.member_id, c.agency_id, c.command, c.state,
    CASE WHEN p.state IS NULL THEN NULL ELSE (
        SELECT json_group_object(k.key, json(CASE
            WHEN k.type = 'array' AND json_type(p.state, k.fullkey) = 'array' THEN json_object(
                'len', json_array_length(k.value),
                'at', json((
                    SELECT json_group_array(json_array(x.key, json(c.state -> x.fullkey)))
                    FROM json_each(c.state, k.fullkey) AS x
                    WHERE (p.state -> x.fullkey) IS NOT (c.state -> x.fullkey)
                )))
            ELSE json_object('to', json(c.state -> k.fullkey))
        END))
        FROM json_each(c.state) AS k
        WHERE (p.state -> k.fullkey) IS NOT (c.state -> k.fullkey)
    ) END
FROM plan_event AS c
LEFT JOIN plan_event AS p ON p.plan_id = c.plan_id AND p.version = c.version - 1;

-- 2. Which rows keep their copy: walk each plan's rows in order.
CREATE TEMP TABLE plan_event_0027_keep AS
WITH RECURSIVE walk (plan_id, version, snapshot_version, snapshot_bytes, since_bytes, keep) AS (
    SELECT plan_id, version, version, octet_length(state), 0, 1
    FROM plan_event_0027 WHERE change IS NULL
    UNION ALL
    SELECT n.plan_id, n.version,
        CASE WHEN n.version - w.snapshot_version >= 64
                  OR w.since_bytes + octet_length(n.change) > w.snapshot_bytes
             THEN n.version ELSE w.snapshot_version END,
        CASE WHEN n.version - w.snapshot_version >= 64
                  OR w.since_bytes + octet_length(n.change) > w.snapshot_bytes
             THEN octet_length(n.state) ELSE w.snapshot_bytes END,
        CASE WHEN n.version - w.snapshot_version >= 64
                  OR w.since_bytes + octet_length(n.change) > w.snapshot_bytes
             THEN 0 ELSE w.since_bytes + octet_length(n.change) END,
        CASE WHEN n.version - w.snapshot_version >= 64
                  OR w.since_bytes + octet_length(n.change) > w.snapshot_bytes
             THEN 1 ELSE 0 END
    FROM walk AS w
    JOIN plan_event_0027 AS n ON n.plan_id = w.plan_id AND n.version = w.version + 1
)
SELECT plan_id, version, keep FROM walk;

-- 3. A snapshot keeps its copy and needs no change; every other row keeps only its change.
UPDATE plan_event_0027 SET
    state = CASE WHEN k.keep = 1 THEN plan_event_0027.state END,
    change = CASE WHEN k.keep = 1 THEN NULL ELSE plan_event_0027.change END
FROM plan_event_0027_keep AS k
WHERE k.plan_id = plan_event_0027.plan_id AND k.version = plan_event_0027.version;
DROP TABLE plan_event_0027_keep;

DROP TABLE plan_event;
ALTER TABLE plan_event_0027 RENAME TO plan_event;
CREATE INDEX plan_event_at ON plan_event(plan_id, at);
-- The snapshots, for "the nearest snapshot at or before version v".
CREATE INDEX plan_event_snapshot ON plan_event(plan_id, version) WHERE state IS NOT NULL;
CREATE TRIGGER plan_event_no_update BEFORE UPDATE ON plan_event
BEGIN SELECT RAISE(ABORT, 'plan history is append-only'); END;
CREATE TRIGGER plan_event_no_delete BEFORE DELETE ON plan_event
BEGIN SELECT RAISE(ABORT, 'plan history is append-only'); END;
