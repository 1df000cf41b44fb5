-- API keys for partner systems (issue 18): a system, not a person, calling /api/v1 with
-- `Authorization: Bearer <key>`. Append-only: never edit a released migration, add one.
--
-- Each key acts through a member row of its own (username `api-key.<id>`, a password hash
-- that no password matches), so what the system does is recorded like a member's: the
-- audit log, `created_by` of the records it writes. The key itself is never stored, only its
-- SHA-256 (it is 32 random bytes, so no slower hash is needed). `scopes` are the role codes
-- the system acts in, comma-separated. A revoked key is kept, with who revoked it and when.
CREATE TABLE api_key (
    id           BLOB PRIMARY KEY,
    member_id    BLOB NOT NULL UNIQUE REFERENCES member(id),
    agency_id    BLOB NOT NULL REFERENCES agency(id),
    name         TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    created_by   BLOB NOT NULL,
    revoked_at   INTEGER,
    revoked_by   BLOB
);
