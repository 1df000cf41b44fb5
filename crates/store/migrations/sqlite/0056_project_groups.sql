-- Grants for co-produced projects (issue 20): a project group is several service users named
-- together, each with their consent, supported by the agency that keeps the grant pot. A group
-- has its own accounts in a fund's ledger (`group:<id>` and `group_spent:<id>`), moved by the
-- same conditional UPDATE as every account, so a grant or the group's spend is refused in the
-- store transaction when it would overdraw. Groups and their members are never deleted.
CREATE TABLE project_group (
    id          BLOB PRIMARY KEY,
    agency_id   BLOB NOT NULL REFERENCES agency(id),
    name        TEXT NOT NULL,
    project     TEXT NOT NULL,
    goals       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    created_by  BLOB NOT NULL
);
CREATE INDEX project_group_agency ON project_group(agency_id);

CREATE TABLE project_group_member (
    group_id      BLOB NOT NULL REFERENCES project_group(id),
    person_id     BLOB NOT NULL REFERENCES person(id),
    consented_on  TEXT NOT NULL,
    recorded_by   BLOB NOT NULL,
    PRIMARY KEY (group_id, person_id)
);
CREATE INDEX project_group_member_person ON project_group_member(person_id);

ALTER TABLE fund_account ADD COLUMN group_id BLOB;
ALTER TABLE fund_transfer ADD COLUMN group_id BLOB;
CREATE INDEX fund_account_group ON fund_account(group_id) WHERE group_id IS NOT NULL;
CREATE INDEX fund_transfer_group ON fund_transfer(group_id, seq) WHERE group_id IS NOT NULL;

CREATE TRIGGER project_group_member_no_delete BEFORE DELETE ON project_group_member
BEGIN SELECT RAISE(ABORT, 'a project group keeps its members on record'); END;
