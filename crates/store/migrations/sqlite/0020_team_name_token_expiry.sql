-- When the agency's reason to see the person ends, beside each per-agency search entry
-- (SQLite). Append-only: never edit a released migration, add one.
--
-- An entry exists only while the agency has an open team entry for the person (the store
-- rewrites a person's entries with every change to their team), so a search driven by the
-- agency's entries needed the team only for one more fact: whether a consent has expired
-- since. That was a seek into team_entry per found person. The entry now carries the date:
-- NULL when an open entry has no expiry (a statutory task, a court order), else the latest
-- expiry of the open entries. The store writes it with the entries
-- (see `refresh_team_name_tokens!`).
ALTER TABLE team_name_token ADD COLUMN consent_expires_on TEXT;

UPDATE team_name_token SET consent_expires_on = (
    SELECT CASE WHEN count(*) > count(te.consent_expires_on) THEN NULL ELSE max(te.consent_expires_on) END
    FROM team_entry te
    WHERE te.person_id = team_name_token.person_id AND te.agency_id = team_name_token.agency_id
      AND te.ended_at IS NULL
)
WHERE EXISTS (SELECT 1 FROM team_entry te WHERE te.person_id = team_name_token.person_id
      AND te.agency_id = team_name_token.agency_id AND te.ended_at IS NULL AND te.consent_expires_on IS NOT NULL);
