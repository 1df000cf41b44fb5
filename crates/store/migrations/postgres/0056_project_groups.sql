-- Grants for co-produced projects (issue 20): a project group is several service users named
-- together, each with their consent, supported by the agency that keeps the grant pot. A group
-- has its own accounts in a fund's ledger (`group:<id>` and `group_spent:<id>`), moved by the
-- same conditional UPDATE as every account, so a grant or the group's spend is refused in the
-- store transaction when it would overdraw. Groups and their members are never deleted.
CREATE TABLE project_group (
    id          uuid PRIMARY KEY,
    agency_id   uuid NOT NULL REFERENCES agency(id),
    name        text NOT NULL,
    project     text NOT NULL,
    goals       text NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  uuid NOT NULL
);
CREATE INDEX project_group_agency ON project_group(agency_id);

CREATE TABLE project_group_member (
    group_id      uuid NOT NULL REFERENCES project_group(id),
    person_id     uuid NOT NULL REFERENCES person(id),
    consented_on  date NOT NULL,
    recorded_by   uuid NOT NULL,
    PRIMARY KEY (group_id, person_id)
);
CREATE INDEX project_group_member_person ON project_group_member(person_id);

ALTER TABLE fund_account ADD COLUMN group_id uuid;
ALTER TABLE fund_transfer ADD COLUMN group_id uuid;
CREATE INDEX fund_account_group ON fund_account(group_id) WHERE group_id IS NOT NULL;
CREATE INDEX fund_transfer_group ON fund_transfer(group_id, seq) WHERE group_id IS NOT NULL;

CREATE FUNCTION project_group_member_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'a project group keeps its members on record'; END $$;
CREATE TRIGGER project_group_member_no_delete BEFORE DELETE ON project_group_member
FOR EACH ROW EXECUTE FUNCTION project_group_member_keep();
