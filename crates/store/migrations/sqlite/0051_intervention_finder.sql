-- Interventions at national scale (issue 19): the finder and the provider's lists read small
-- maintained rows instead of every referral. Append-only: never edit a released migration, add
-- one. Same shape in migrations/sqlite and migrations/postgres.
--
-- The areas an intervention serves, folded to ASCII lower case (as the finder compares a
-- person's city), so the finder reads only the entries for the person's city.
CREATE TABLE intervention_area (
    area             TEXT NOT NULL,
    intervention_id  BLOB NOT NULL REFERENCES intervention(id),
    PRIMARY KEY (area, intervention_id)
) WITHOUT ROWID;
INSERT INTO intervention_area (area, intervention_id)
    SELECT DISTINCT lower(a.value), i.id FROM intervention i, json_each(i.state, '$.areas') a;

-- Each intervention's queue, kept in the transaction of every referral write: the places in
-- use (started) and those ahead of a new referral (accepted or waiting).
CREATE TABLE intervention_queue (
    intervention_id  BLOB PRIMARY KEY REFERENCES intervention(id),
    in_service       INTEGER NOT NULL,
    waiting          INTEGER NOT NULL
);
INSERT INTO intervention_queue (intervention_id, in_service, waiting)
    SELECT i.id,
           COALESCE(SUM(CASE WHEN r.status = 'started' THEN 1 ELSE 0 END), 0),
           COALESCE(SUM(CASE WHEN r.status IN ('accepted', 'waiting') THEN 1 ELSE 0 END), 0)
    FROM intervention i
    LEFT JOIN referral r ON r.intervention_id = i.id AND r.status IN ('started', 'accepted', 'waiting')
    GROUP BY i.id;

-- Referrals that ended (completed or ended early) per intervention and day: the throughput
-- of the last 12 weeks is a sum over at most 84 rows, whatever today is.
CREATE TABLE intervention_finished (
    intervention_id  BLOB NOT NULL REFERENCES intervention(id),
    ended_on         TEXT NOT NULL,
    finished         INTEGER NOT NULL,
    PRIMARY KEY (intervention_id, ended_on)
) WITHOUT ROWID;
INSERT INTO intervention_finished (intervention_id, ended_on, finished)
    SELECT intervention_id, ended_on, count(*) FROM referral
    WHERE status IN ('completed', 'ended_early') AND ended_on IS NOT NULL
    GROUP BY intervention_id, ended_on;

-- What a referral list shows, as columns: a list no longer reads each referral's whole
-- record (with every session) to print one line.
ALTER TABLE referral ADD COLUMN intervention_name TEXT NOT NULL DEFAULT '';
ALTER TABLE referral ADD COLUMN created_on TEXT;
ALTER TABLE referral ADD COLUMN session_count INTEGER NOT NULL DEFAULT 0;
UPDATE referral SET
    intervention_name = json_extract(state, '$.intervention_name'),
    created_on = json_extract(state, '$.created_on'),
    session_count = (SELECT count(*) FROM referral_change c WHERE c.referral_id = referral.id AND c.action = 'attendance');
-- A provider's list by status, newest first, answered from the index alone.
DROP INDEX referral_provider;
CREATE INDEX referral_provider ON referral(provider_id, status, id, person_id, intervention_id, intervention_name,
    task_id, created_on, started_on, session_count);

-- The languages a person can take part in help in (ISO 639 codes, comma-separated; empty:
-- not recorded). The finder matches them against the languages an intervention is given in.
ALTER TABLE person ADD COLUMN languages TEXT NOT NULL DEFAULT '';
