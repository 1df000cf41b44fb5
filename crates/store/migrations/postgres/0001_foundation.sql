-- desist foundation schema (PostgreSQL). Append-only: never edit a released migration, add one.
-- Keep in step with migrations/sqlite: the conformance suite runs the same stories on both.

CREATE TABLE agency (
    id          uuid PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    kind        text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE member (
    id             uuid PRIMARY KEY,
    agency_id      uuid NOT NULL REFERENCES agency(id),
    username       text NOT NULL UNIQUE,
    display_name   text NOT NULL,
    roles          text NOT NULL,
    password_hash  text NOT NULL,
    disabled       boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL
);
CREATE INDEX member_agency ON member(agency_id);

CREATE TABLE person (
    id            uuid PRIMARY KEY,
    family_name   text NOT NULL,
    given_names   text,
    birth_date    date,
    sex           text NOT NULL,
    address       text,
    postcode      text,
    city          text,
    phone         text,
    email         text,
    version       bigint NOT NULL,
    created_at    timestamptz NOT NULL,
    created_by    uuid NOT NULL REFERENCES member(id),
    updated_at    timestamptz NOT NULL,
    updated_by    uuid NOT NULL REFERENCES member(id)
);
CREATE INDEX person_birth_date ON person(birth_date);

CREATE TABLE person_identifier (
    kind       text NOT NULL,
    value      text NOT NULL,
    person_id  uuid NOT NULL REFERENCES person(id),
    PRIMARY KEY (kind, value)
);
CREATE INDEX person_identifier_person ON person_identifier(person_id);

-- "C" collation: prefix ranges (token >= 'jan' AND token < 'jan\u{10FFFF}') use the B-tree
-- whatever the database's default collation is.
CREATE TABLE person_name_token (
    token      text COLLATE "C" NOT NULL,
    person_id  uuid NOT NULL REFERENCES person(id),
    PRIMARY KEY (token, person_id)
);
CREATE INDEX person_name_token_person ON person_name_token(person_id);

CREATE TABLE person_revision (
    person_id  uuid NOT NULL REFERENCES person(id),
    version    bigint NOT NULL,
    details    text NOT NULL,
    saved_at   timestamptz NOT NULL,
    saved_by   uuid NOT NULL REFERENCES member(id),
    PRIMARY KEY (person_id, version)
);

CREATE TABLE team_entry (
    id                     uuid PRIMARY KEY,
    person_id              uuid NOT NULL REFERENCES person(id),
    agency_id              uuid NOT NULL REFERENCES agency(id),
    basis_kind             text NOT NULL CHECK (basis_kind IN ('statutory_task', 'consent', 'court_order')),
    statute                text,
    consent_scope          text,
    consent_expires_on     date,
    court_order_reference  text,
    reason                 text NOT NULL,
    added_by               uuid NOT NULL REFERENCES member(id),
    added_at               timestamptz NOT NULL,
    ended_at               timestamptz,
    ended_by               uuid REFERENCES member(id)
);
CREATE INDEX team_entry_person ON team_entry(person_id);
CREATE INDEX team_entry_agency_person ON team_entry(agency_id, person_id);

CREATE TABLE audit_log (
    id         uuid PRIMARY KEY,
    at         timestamptz NOT NULL,
    member_id  uuid NOT NULL,
    agency_id  uuid NOT NULL,
    person_id  uuid,
    action     text NOT NULL,
    what       text NOT NULL,
    basis      text NOT NULL
);
CREATE INDEX audit_log_person ON audit_log(person_id, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE session (
    token_hash  text PRIMARY KEY,
    member_id   uuid NOT NULL REFERENCES member(id),
    csrf_token  text NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX session_expires ON session(expires_at);

CREATE TABLE login_failure (
    username  text NOT NULL,
    address   text NOT NULL,
    at        timestamptz NOT NULL
);
CREATE INDEX login_failure_username ON login_failure(username, at);
CREATE INDEX login_failure_address ON login_failure(address, at);
