-- desist foundation schema (SQLite). Append-only: never edit a released migration, add one.
-- Instants: INTEGER microseconds since the Unix epoch, UTC. Dates: TEXT YYYY-MM-DD.
-- Ids: UUIDv7 as 16-byte BLOBs.

-- Marks the file as a desist database ("DSST"), so a wrong file is recognised at start.
PRAGMA application_id = 1146311508;

CREATE TABLE agency (
    id          BLOB PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE member (
    id             BLOB PRIMARY KEY,
    agency_id      BLOB NOT NULL REFERENCES agency(id),
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    roles          TEXT NOT NULL,            -- comma-separated role codes
    password_hash  TEXT NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at     INTEGER NOT NULL
);
CREATE INDEX member_agency ON member(agency_id);

CREATE TABLE person (
    id            BLOB PRIMARY KEY,
    family_name   TEXT NOT NULL,
    given_names   TEXT,
    birth_date    TEXT,
    sex           TEXT NOT NULL,
    address       TEXT,
    postcode      TEXT,
    city          TEXT,
    phone         TEXT,
    email         TEXT,
    version       INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    created_by    BLOB NOT NULL REFERENCES member(id),
    updated_at    INTEGER NOT NULL,
    updated_by    BLOB NOT NULL REFERENCES member(id)
);
CREATE INDEX person_birth_date ON person(birth_date);

-- One row per identifier; the primary key is what makes an identifier belong to one person.
CREATE TABLE person_identifier (
    kind       TEXT NOT NULL,
    value      TEXT NOT NULL,
    person_id  BLOB NOT NULL REFERENCES person(id),
    PRIMARY KEY (kind, value)
) WITHOUT ROWID;
CREATE INDEX person_identifier_person ON person_identifier(person_id);

-- Folded name words (lower case, no accents) for prefix search from a plain B-tree.
CREATE TABLE person_name_token (
    token      TEXT NOT NULL,
    person_id  BLOB NOT NULL REFERENCES person(id),
    PRIMARY KEY (token, person_id)
) WITHOUT ROWID;
CREATE INDEX person_name_token_person ON person_name_token(person_id);

-- Every saved version of a person's details, as JSON, kept forever.
CREATE TABLE person_revision (
    person_id  BLOB NOT NULL REFERENCES person(id),
    version    INTEGER NOT NULL,
    details    TEXT NOT NULL,
    saved_at   INTEGER NOT NULL,
    saved_by   BLOB NOT NULL REFERENCES member(id),
    PRIMARY KEY (person_id, version)
);

CREATE TABLE team_entry (
    id                     BLOB PRIMARY KEY,
    person_id              BLOB NOT NULL REFERENCES person(id),
    agency_id              BLOB NOT NULL REFERENCES agency(id),
    basis_kind             TEXT NOT NULL CHECK (basis_kind IN ('statutory_task', 'consent', 'court_order')),
    statute                TEXT,
    consent_scope          TEXT,
    consent_expires_on     TEXT,
    court_order_reference  TEXT,
    reason                 TEXT NOT NULL,
    added_by               BLOB NOT NULL REFERENCES member(id),
    added_at               INTEGER NOT NULL,
    ended_at               INTEGER,
    ended_by               BLOB REFERENCES member(id)
);
CREATE INDEX team_entry_person ON team_entry(person_id);
CREATE INDEX team_entry_agency_person ON team_entry(agency_id, person_id);

CREATE TABLE audit_log (
    id         BLOB PRIMARY KEY,
    at         INTEGER NOT NULL,
    member_id  BLOB NOT NULL,
    agency_id  BLOB NOT NULL,
    person_id  BLOB,
    action     TEXT NOT NULL,
    what       TEXT NOT NULL,
    basis      TEXT NOT NULL
);
CREATE INDEX audit_log_person ON audit_log(person_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE session (
    token_hash  TEXT PRIMARY KEY,
    member_id   BLOB NOT NULL REFERENCES member(id),
    csrf_token  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX session_expires ON session(expires_at);

CREATE TABLE login_failure (
    username  TEXT NOT NULL,
    address   TEXT NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX login_failure_username ON login_failure(username, at);
CREATE INDEX login_failure_address ON login_failure(address, at);
