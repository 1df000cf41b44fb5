-- When the agency's reason to see the person ends, beside each per-agency search entry
-- (PostgreSQL). Append-only: never edit a released migration, add one.
--
-- An entry exists only while the agency has an open team entry for the person (the store
-- rewrites a person's entries with every change to their team), so a search driven by the
-- agency's entries needed the team only for one more fact: whether a consent has expired
-- since. That was an index probe into team_entry per found person. The entry now carries the
-- date, in the primary key's index beside the names so the search stays an index-only scan:
-- NULL when an open entry has no expiry (a statutory task, a court order), else the latest
-- expiry of the open entries. The store writes it with the entries
-- (see `refresh_team_name_tokens!`).
ALTER TABLE team_name_token ADD COLUMN consent_expires_on date;

UPDATE team_name_token n SET consent_expires_on = e.expires
FROM (SELECT person_id, agency_id,
             CASE WHEN count(*) > count(consent_expires_on) THEN NULL ELSE max(consent_expires_on) END AS expires
      FROM team_entry WHERE ended_at IS NULL GROUP BY person_id, agency_id
      HAVING count(consent_expires_on) > 0) e
WHERE e.person_id = n.person_id AND e.agency_id = n.agency_id;

ALTER TABLE team_name_token DROP CONSTRAINT team_name_token_pkey;
ALTER TABLE team_name_token ADD CONSTRAINT team_name_token_pkey
    PRIMARY KEY (agency_id, token, person_id) INCLUDE (names, consent_expires_on);

ANALYZE team_name_token;
