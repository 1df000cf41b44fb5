-- Person search per agency (SQLite). Append-only: never edit a released migration, add one.
--
-- A member finds only the people their agency's team covers. Searching the global name index
-- and then checking the team read every holder of a common word in the country (8,000 people
-- called "de Vries" to show the 400 the agency works with). This index holds each name word
-- once per agency with an open team entry, so a search reads only its own agency's part.
-- The store keeps it in step with the team and the name in the same transaction as the change
-- (see `refresh_team_name_tokens!`); consent expiry is still checked against team_entry.
CREATE TABLE team_name_token (
    agency_id  BLOB NOT NULL REFERENCES agency(id),
    token      TEXT NOT NULL,
    person_id  BLOB NOT NULL REFERENCES person(id),
    PRIMARY KEY (agency_id, token, person_id)
) WITHOUT ROWID;
CREATE INDEX team_name_token_person ON team_name_token(person_id);

INSERT INTO team_name_token (agency_id, token, person_id)
SELECT DISTINCT te.agency_id, t.token, t.person_id
FROM team_entry te JOIN person_name_token t ON t.person_id = te.person_id
WHERE te.ended_at IS NULL;
