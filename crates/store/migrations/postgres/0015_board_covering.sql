-- The ZSM board lists a location's open and recently decided cases, each with a check that
-- the reader's agency is on the suspect's team. These indexes carry every column those two
-- steps read, so listing 200 cases no longer reads 200 case rows (with their JSON) and 200
-- team rows: profiles of the board showed those row lookups as the largest cost of a view.
DROP INDEX zsm_case_board;
CREATE INDEX zsm_case_board ON zsm_case(location, is_open, urgent_deadline, id, version, suspect_id);
DROP INDEX zsm_case_decided;
CREATE INDEX zsm_case_decided ON zsm_case(location, first_decided_at, is_open, id, version, suspect_id);
-- A superset of the old index: every query on (agency_id, person_id) still uses it.
DROP INDEX team_entry_agency_person;
CREATE INDEX team_entry_agency_person ON team_entry(agency_id, person_id, ended_at, consent_expires_on);
