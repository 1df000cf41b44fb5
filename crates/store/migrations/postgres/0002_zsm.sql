-- The ZSM table (PostgreSQL). Append-only: never edit a released migration, add one.
-- Same shape in migrations/sqlite and migrations/postgres (the conformance suite runs both).
-- zsm_case holds the domain state of each case (state, clocks as JSON) and the columns the
-- board and metrics query on; every transition also appends rows to the history tables below
-- (offences, victims, clock events, contribution versions, decisions, amendments, obligations,
-- breaches, case events): history is data, never overwritten.

CREATE TABLE zsm_location (
    code text PRIMARY KEY,
    name text NOT NULL,
    pack text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE zsm_location_agency (
    location text NOT NULL REFERENCES zsm_location(code),
    agency_id uuid NOT NULL REFERENCES agency(id),
    PRIMARY KEY (location, agency_id)
);

CREATE TABLE zsm_case (
    id uuid PRIMARY KEY,
    location text NOT NULL REFERENCES zsm_location(code),
    pack text NOT NULL,
    suspect_id uuid NOT NULL REFERENCES person(id),
    lawyer_id uuid REFERENCES member(id),
    suspect_is_minor boolean NOT NULL,
    arrested_at timestamptz NOT NULL,
    arrived_at timestamptz NOT NULL,
    police_report_summary text NOT NULL,
    prior_record_summary text,
    registered_at timestamptz NOT NULL,
    registered_by uuid NOT NULL REFERENCES member(id),
    status text NOT NULL,
    is_open boolean NOT NULL,
    urgent_deadline timestamptz,
    first_decided_at timestamptz,
    disposal text,
    settled_at_table boolean NOT NULL,
    within_target boolean,
    signals_beyond_case boolean NOT NULL,
    referral_made boolean NOT NULL,
    version bigint NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by uuid NOT NULL REFERENCES member(id),
    state text NOT NULL,
    clocks text NOT NULL
);

-- The board: open cases of a location by most urgent deadline; recently decided ones.
CREATE INDEX zsm_case_board ON zsm_case(location, is_open, urgent_deadline);
CREATE INDEX zsm_case_decided ON zsm_case(location, first_decided_at);
CREATE INDEX zsm_case_registered ON zsm_case(location, registered_at);
CREATE INDEX zsm_case_suspect ON zsm_case(suspect_id);

CREATE TABLE zsm_offence (
    case_id uuid NOT NULL REFERENCES zsm_case(id),
    seq bigint NOT NULL,
    offence_type text NOT NULL,
    committed_on date NOT NULL,
    place text NOT NULL,
    description text NOT NULL,
    pretrial_detention_allowed boolean NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE zsm_victim (
    case_id uuid NOT NULL REFERENCES zsm_case(id),
    seq bigint NOT NULL,
    person_id uuid REFERENCES person(id),
    description text,
    PRIMARY KEY (case_id, seq),
    CHECK ((person_id IS NULL) <> (description IS NULL))
);

CREATE INDEX zsm_victim_person ON zsm_victim(person_id);

CREATE TABLE zsm_clock (
    case_id uuid NOT NULL REFERENCES zsm_case(id),
    clock text NOT NULL,
    started_at timestamptz NOT NULL,
    deadline timestamptz NOT NULL,
    is_running boolean NOT NULL,
    PRIMARY KEY (case_id, clock)
);

-- Each status change of a clock is a row: started, extended (by whom, basis), stopped, expired.

CREATE TABLE zsm_clock_event (
    id uuid PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES zsm_case(id),
    clock text NOT NULL,
    at timestamptz NOT NULL,
    kind text NOT NULL CHECK (kind IN ('started', 'extended', 'stopped', 'expired')),
    member_id uuid REFERENCES member(id),
    authority_role text,
    extension text,
    basis text,
    reason text,
    deadline timestamptz NOT NULL
);

CREATE INDEX zsm_clock_event_case ON zsm_clock_event(case_id, at);

-- Every saved version of a partner's section.

CREATE TABLE zsm_contribution (
    id uuid PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES zsm_case(id),
    partner text NOT NULL,
    state text NOT NULL,
    content text,
    updated_at timestamptz NOT NULL,
    updated_by uuid REFERENCES member(id)
);

CREATE INDEX zsm_contribution_case ON zsm_contribution(case_id, partner, updated_at);

CREATE TABLE zsm_decision (
    id uuid PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES zsm_case(id),
    disposal text NOT NULL,
    legal_basis text NOT NULL,
    outcome text NOT NULL,
    parameters text NOT NULL,
    overrides text NOT NULL,
    reasoning text NOT NULL,
    decided_by uuid NOT NULL REFERENCES member(id),
    decided_at timestamptz NOT NULL
);

CREATE INDEX zsm_decision_case ON zsm_decision(case_id, decided_at);

CREATE TABLE zsm_amendment (
    previous_decision uuid PRIMARY KEY REFERENCES zsm_decision(id),
    new_decision uuid NOT NULL REFERENCES zsm_decision(id),
    case_id uuid NOT NULL REFERENCES zsm_case(id),
    reason text NOT NULL,
    amended_by uuid NOT NULL REFERENCES member(id),
    amended_at timestamptz NOT NULL
);

CREATE TABLE zsm_obligation (
    id uuid PRIMARY KEY,
    decision_id uuid NOT NULL REFERENCES zsm_decision(id),
    case_id uuid NOT NULL REFERENCES zsm_case(id),
    kind text NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    details text NOT NULL,
    responsible_agency text NOT NULL,
    cancelled_at timestamptz
);

CREATE INDEX zsm_obligation_case ON zsm_obligation(case_id);
CREATE INDEX zsm_obligation_ends ON zsm_obligation(ends_on);

CREATE TABLE zsm_breach (
    id uuid PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES zsm_case(id),
    obligation_id uuid NOT NULL REFERENCES zsm_obligation(id),
    observed_on date NOT NULL,
    description text NOT NULL,
    reported_by text NOT NULL,
    recorded_by uuid NOT NULL REFERENCES member(id),
    recorded_at timestamptz NOT NULL,
    resolution text,
    resolved_at timestamptz
);

CREATE INDEX zsm_breach_case ON zsm_breach(case_id);

-- The case's own history: registered, brought to the table, decided, amended, referred, ...

CREATE TABLE zsm_case_event (
    id uuid PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES zsm_case(id),
    at timestamptz NOT NULL,
    member_id uuid NOT NULL REFERENCES member(id),
    kind text NOT NULL,
    detail text NOT NULL
);

CREATE INDEX zsm_case_event_case ON zsm_case_event(case_id, at);
