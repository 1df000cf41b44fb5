-- Interventions, third pass (issue 19): the finder reads one index range, and who refers is
-- data. Append-only: never edit a released migration, add one. Same shape in
-- migrations/sqlite and migrations/postgres.
--
-- Which roles act for each side of a referral: the referrer side finds help for a person
-- (the finder shows their screened needs) and refers; the provider side answers and delivers.
-- Seeded as `DEFAULT_SIDE_ROLES`: probation and the Safety House's process manager refer (they
-- screen and keep the plan a referral puts its task on), a provider's members provide. A
-- deployment where, say, the municipality refers adds ('municipality_officer', 'referrer').
CREATE TABLE referral_side_role (
    role  text NOT NULL,
    side  text NOT NULL,
    PRIMARY KEY (role, side)
);
INSERT INTO referral_side_role (role, side) VALUES
    ('probation_officer', 'referrer'),
    ('process_manager', 'referrer'),
    ('provider_worker', 'provider');

-- The finder's rows: one per active entry, area served (folded as `intervention_area`) and need
-- addressed, carrying what the finder needs of the entry — its version (the entry itself
-- comes parsed from memory at that version), its queue, and its completions per day as
-- `YYYY-MM-DD:count` joined by commas (the latest 120 days with any; the finder sums those
-- in its 12-week window). Kept in the transaction of every catalogue save and referral write,
-- so a finder request is one range of this key: before it, PostgreSQL hashed every need row
-- and ran one subplan per candidate for its completions (EXPLAIN at national scale: 1.4 ms,
-- pgbench 2.9 ms a statement; this table's range: 0.33 ms).
CREATE TABLE intervention_finder (
    area             text NOT NULL,
    need             text NOT NULL,
    intervention_id  uuid NOT NULL REFERENCES intervention(id),
    version          bigint NOT NULL,
    in_service       bigint NOT NULL,
    waiting          bigint NOT NULL,
    finished_days    text NOT NULL,
    PRIMARY KEY (area, need, intervention_id)
);
-- Every referral write refreshes its entry's rows.
CREATE INDEX intervention_finder_entry ON intervention_finder (intervention_id);
INSERT INTO intervention_finder (area, need, intervention_id, version, in_service, waiting, finished_days)
    SELECT a.area, n.need, i.id, i.version, COALESCE(q.in_service, 0), COALESCE(q.waiting, 0),
        COALESCE((SELECT string_agg(to_char(d.ended_on, 'YYYY-MM-DD') || ':' || d.finished, ',')
                  FROM (SELECT f.ended_on, f.finished FROM intervention_finished f
                        WHERE f.intervention_id = i.id AND f.finished <> 0
                        ORDER BY f.ended_on DESC LIMIT 120) AS d), '')
    FROM intervention i
    JOIN intervention_area a ON a.intervention_id = i.id
    JOIN intervention_need n ON n.intervention_id = i.id
    LEFT JOIN intervention_queue q ON q.intervention_id = i.id
    WHERE i.active;
