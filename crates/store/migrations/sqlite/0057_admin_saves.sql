-- Who saved each version of what administration edits (issue 18), so a change refused because
-- another administrator saved meanwhile can say who that was and when. One row per version
-- saved after this migration; `record` is 'agency' (a Safety House's settings share its
-- agency's version), 'member' or 'location', `record_key` the agency's or member's id as text,
-- or the location's code. `saved_by` is a member's id; the nil id is the server's console (the
-- CLI), which names no member (SQLite).
-- Append-only: never edit a released migration, add one.

CREATE TABLE admin_save (
    record      TEXT NOT NULL CHECK (record IN ('agency', 'member', 'location')),
    record_key  TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version > 0),
    saved_by    BLOB NOT NULL,
    saved_at    INTEGER NOT NULL,
    PRIMARY KEY (record, record_key, version)
);
