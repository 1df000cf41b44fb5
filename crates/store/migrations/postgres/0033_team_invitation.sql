-- Invitations onto a person's case team (issue 17, item 12): accepting a conference request
-- invites the partners it names; each invited agency answers with its own legal basis.
-- `state` is the domain's Invitation as JSON; `version` guards against two answers at once.
CREATE TABLE team_invitation (
    id          uuid PRIMARY KEY,
    person_id   uuid NOT NULL REFERENCES person(id),
    agency_id   uuid NOT NULL REFERENCES agency(id),
    status      text NOT NULL,
    invited_at  timestamptz NOT NULL,
    version     bigint NOT NULL,
    state       text NOT NULL
);
CREATE INDEX team_invitation_agency ON team_invitation(agency_id, status, invited_at);
CREATE INDEX team_invitation_person ON team_invitation(person_id, invited_at);
