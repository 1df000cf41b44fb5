-- Administration without SQL (issue 18): what the first run, the administration pages, the
-- CLI and the API keep beyond agencies, members and ZSM locations as they were (PostgreSQL).
-- Append-only: never edit a released migration, add one.

-- A member whose password was set by someone else (the first run's one-time password, an
-- administrator's reset) changes it before anything else at their next sign-in.
ALTER TABLE member ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

-- How to reach an agency's coordinator for desist (free text: a name, a phone, an address).
ALTER TABLE agency ADD COLUMN contact text NOT NULL DEFAULT '';

-- A ZSM location or custody suite keeps the time zone it was created with; NULL for the
-- locations made before this migration: their pack's zone.
ALTER TABLE zsm_location ADD COLUMN time_zone text;

-- A Safety House (NL) or IOM hub (England & Wales) is an agency of kind `safety_house` with
-- the settings of its case conferences: its pack, how many persons a day's conference takes,
-- the local time by which a request must be in to be triaged on the next triage day.
CREATE TABLE safety_house (
    agency_id        uuid PRIMARY KEY REFERENCES agency(id),
    pack             text NOT NULL,
    persons_per_day  bigint NOT NULL CHECK (persons_per_day > 0),
    triage_cutoff    text NOT NULL,            -- HH:MM, local time of the pack's zone
    created_at       timestamptz NOT NULL
);

-- The partner agencies that take part in a Safety House's case conferences.
CREATE TABLE safety_house_agency (
    safety_house  uuid NOT NULL REFERENCES safety_house(agency_id),
    agency_id     uuid NOT NULL REFERENCES agency(id),
    PRIMARY KEY (safety_house, agency_id)
);
