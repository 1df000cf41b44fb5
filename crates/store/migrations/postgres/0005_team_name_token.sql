-- Person search per agency (PostgreSQL). Append-only: never edit a released migration, add one.
--
-- A member finds only the people their agency's team covers. Searching the global name index
-- and then checking the team read every holder of a common word in the country (8,000 people
-- called "de Vries" to show the 400 the agency works with). This index holds each name word
-- once per agency with an open team entry, so a search reads only its own agency's part.
-- The store keeps it in step with the team and the name in the same transaction as the change
-- (see `refresh_team_name_tokens!`); consent expiry is still checked against team_entry.
-- "C" collation, as person_name_token: prefix ranges use the B-tree.
CREATE TABLE team_name_token (
    agency_id  uuid NOT NULL REFERENCES agency(id),
    token      text COLLATE "C" NOT NULL,
    person_id  uuid NOT NULL REFERENCES person(id),
    PRIMARY KEY (agency_id, token, person_id)
);
CREATE INDEX team_name_token_person ON team_name_token(person_id);

INSERT INTO team_name_token (agency_id, token, person_id)
SELECT DISTINCT te.agency_id, t.token, t.person_id
FROM team_entry te JOIN person_name_token t ON t.person_id = te.person_id
WHERE te.ended_at IS NULL;

-- The other words of a search are checked per person: with the word in the index that check
-- reads no table row (SQLite's WITHOUT ROWID index already holds it).
CREATE INDEX person_name_token_person_token ON person_name_token(person_id, token);
DROP INDEX person_name_token_person;

-- Plans for the new table from the start, not after autovacuum's first visit.
ANALYZE team_name_token;
ANALYZE person_name_token;
