-- Every name word of the person beside each per-agency search entry (SQLite). Append-only:
-- never edit a released migration, add one.
--
-- A search for two or more words ("jan vri", "Jan de Vries") reads the entries of its rarest
-- word in the agency's part of the index and checks the other words for each candidate. That
-- check was a seek into person_name_token per candidate: 1,000 candidates cost a millisecond,
-- most of a multi-word search. With the person's words in the entry itself (" de jan vries ",
-- each word between spaces) the check is a `LIKE '% jan%'` on the row already being read.
-- The store writes the column with the entries (see `refresh_team_name_tokens!`).
CREATE TABLE team_name_token_next (
    agency_id  BLOB NOT NULL REFERENCES agency(id),
    token      TEXT NOT NULL,
    person_id  BLOB NOT NULL REFERENCES person(id),
    names      TEXT NOT NULL,
    PRIMARY KEY (agency_id, token, person_id)
) WITHOUT ROWID;

INSERT INTO team_name_token_next (agency_id, token, person_id, names)
SELECT n.agency_id, n.token, n.person_id,
       ' ' || (SELECT group_concat(t.token, ' ') FROM person_name_token t WHERE t.person_id = n.person_id) || ' '
FROM team_name_token n
ORDER BY n.agency_id, n.token, n.person_id;

DROP TABLE team_name_token;
ALTER TABLE team_name_token_next RENAME TO team_name_token;
CREATE INDEX team_name_token_person ON team_name_token(person_id);
