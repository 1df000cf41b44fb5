-- People by date of birth with their family names, for a search by date of birth. Append-only:
-- never edit a released migration, add one.
--
-- A date of birth drives a search that has no identifier (a few dozen people in a million
-- share one). The search lists them by family name and checks each against the member's
-- team; with the family name and id in the index that is an index-only scan in list order,
-- and only the people listed are read from the table (before: every person born that day).
CREATE INDEX person_birth_date_name ON person (birth_date, family_name, id);
DROP INDEX person_birth_date;
