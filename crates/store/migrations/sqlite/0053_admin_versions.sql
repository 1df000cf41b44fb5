-- Editing administration (issue 18): agencies, members and ZSM locations count their saved
-- changes, so an edit made on an older version (two administrators at once) is refused
-- instead of silently overwriting the other's change (SQLite).
-- Append-only: never edit a released migration, add one.

-- A Safety House's settings share its agency's version: one page edits both.
ALTER TABLE agency ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version > 0);

-- Name, roles and enabled or not; a password change is not an edit of the member.
ALTER TABLE member ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version > 0);

ALTER TABLE zsm_location ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version > 0);
