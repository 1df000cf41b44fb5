-- Every name word of the person beside each per-agency search entry (PostgreSQL). Append-only:
-- never edit a released migration, add one.
--
-- A search for two or more words ("jan vri", "Jan de Vries") reads the entries of its rarest
-- word in the agency's part of the index and checks the other words for each candidate. That
-- check was an index probe into person_name_token per candidate: 1,000 candidates cost a few
-- milliseconds, most of a multi-word search. With the person's words in the entry
-- (" de jan vries ", each word between spaces) and carried in the primary key's index, the
-- check is a `LIKE '% jan%'` on the index entry already being read (an index-only scan).
-- The store writes the column with the entries (see `refresh_team_name_tokens!`).
CREATE TABLE team_name_token_next (
    agency_id  uuid NOT NULL,
    token      text COLLATE "C" NOT NULL,
    person_id  uuid NOT NULL,
    names      text COLLATE "C" NOT NULL
);

INSERT INTO team_name_token_next (agency_id, token, person_id, names)
SELECT n.agency_id, n.token, n.person_id, w.names
FROM team_name_token n
JOIN (SELECT person_id, ' ' || string_agg(token, ' ' ORDER BY token) || ' ' AS names
      FROM person_name_token GROUP BY person_id) w ON w.person_id = n.person_id;

DROP TABLE team_name_token;
ALTER TABLE team_name_token_next RENAME TO team_name_token;
ALTER TABLE team_name_token ADD CONSTRAINT team_name_token_pkey
    PRIMARY KEY (agency_id, token, person_id) INCLUDE (names);
ALTER TABLE team_name_token ADD CONSTRAINT team_name_token_agency_id_fkey
    FOREIGN KEY (agency_id) REFERENCES agency(id);
ALTER TABLE team_name_token ADD CONSTRAINT team_name_token_person_id_fkey
    FOREIGN KEY (person_id) REFERENCES person(id);
CREATE INDEX team_name_token_person ON team_name_token(person_id);

ANALYZE team_name_token;
