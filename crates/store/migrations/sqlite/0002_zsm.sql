-- The ZSM table (SQLite). Append-only: never edit a released migration, add one.
-- Same shape in migrations/sqlite and migrations/postgres (the conformance suite runs both).
-- zsm_case holds the domain state of each case (state, clocks as JSON) and the columns the
-- board and metrics query on; every transition also appends rows to the history tables below
-- (offences, victims, clock events, contribution versions, decisions, amendments, obligations,
-- breaches, case events): history is data, never overwritten.

CREATE TABLE zsm_location (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    pack TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE zsm_location_agency (
    location TEXT NOT NULL REFERENCES zsm_location(code),
    agency_id BLOB NOT NULL REFERENCES agency(id),
    PRIMARY KEY (location, agency_id)
);

CREATE TABLE zsm_case (
    id BLOB PRIMARY KEY,
    location TEXT NOT NULL REFERENCES zsm_location(code),
    pack TEXT NOT NULL,
    suspect_id BLOB NOT NULL REFERENCES person(id),
    lawyer_id BLOB REFERENCES member(id),
    suspect_is_minor INTEGER NOT NULL CHECK (suspect_is_minor IN (0, 1)),
    arrested_at INTEGER NOT NULL,
    arrived_at INTEGER NOT NULL,
    police_report_summary TEXT NOT NULL,
    prior_record_summary TEXT,
    registered_at INTEGER NOT NULL,
    registered_by BLOB NOT NULL REFERENCES member(id),
    status TEXT NOT NULL,
    is_open INTEGER NOT NULL CHECK (is_open IN (0, 1)),
    urgent_deadline INTEGER,
    first_decided_at INTEGER,
    disposal TEXT,
    settled_at_table INTEGER NOT NULL CHECK (settled_at_table IN (0, 1)),
    within_target INTEGER CHECK (within_target IN (0, 1)),
    signals_beyond_case INTEGER NOT NULL CHECK (signals_beyond_case IN (0, 1)),
    referral_made INTEGER NOT NULL CHECK (referral_made IN (0, 1)),
    version INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by BLOB NOT NULL REFERENCES member(id),
    state TEXT NOT NULL,
    clocks TEXT NOT NULL
);

-- The board: open cases of a location by most urgent deadline; recently decided ones.
CREATE INDEX zsm_case_board ON zsm_case(location, is_open, urgent_deadline);
CREATE INDEX zsm_case_decided ON zsm_case(location, first_decided_at);
CREATE INDEX zsm_case_registered ON zsm_case(location, registered_at);
CREATE INDEX zsm_case_suspect ON zsm_case(suspect_id);

CREATE TABLE zsm_offence (
    case_id BLOB NOT NULL REFERENCES zsm_case(id),
    seq INTEGER NOT NULL,
    offence_type TEXT NOT NULL,
    committed_on TEXT NOT NULL,
    place TEXT NOT NULL,
    description TEXT NOT NULL,
    pretrial_detention_allowed INTEGER NOT NULL CHECK (pretrial_detention_allowed IN (0, 1)),
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE zsm_victim (
    case_id BLOB NOT NULL REFERENCES zsm_case(id),
    seq INTEGER NOT NULL,
    person_id BLOB REFERENCES person(id),
    description TEXT,
    PRIMARY KEY (case_id, seq),
    CHECK ((person_id IS NULL) <> (description IS NULL))
);

CREATE INDEX zsm_victim_person ON zsm_victim(person_id);

CREATE TABLE zsm_clock (
    case_id BLOB NOT NULL REFERENCES zsm_case(id),
    clock TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    deadline INTEGER NOT NULL,
    is_running INTEGER NOT NULL CHECK (is_running IN (0, 1)),
    PRIMARY KEY (case_id, clock)
);

-- Each status change of a clock is a row: started, extended (by whom, basis), stopped, expired.

CREATE TABLE zsm_clock_event (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES zsm_case(id),
    clock TEXT NOT NULL,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('started', 'extended', 'stopped', 'expired')),
    member_id BLOB REFERENCES member(id),
    authority_role TEXT,
    extension TEXT,
    basis TEXT,
    reason TEXT,
    deadline INTEGER NOT NULL
);

CREATE INDEX zsm_clock_event_case ON zsm_clock_event(case_id, at);

-- Every saved version of a partner's section.

CREATE TABLE zsm_contribution (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES zsm_case(id),
    partner TEXT NOT NULL,
    state TEXT NOT NULL,
    content TEXT,
    updated_at INTEGER NOT NULL,
    updated_by BLOB REFERENCES member(id)
);

CREATE INDEX zsm_contribution_case ON zsm_contribution(case_id, partner, updated_at);

CREATE TABLE zsm_decision (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES zsm_case(id),
    disposal TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    outcome TEXT NOT NULL,
    parameters TEXT NOT NULL,
    overrides TEXT NOT NULL,
    reasoning TEXT NOT NULL,
    decided_by BLOB NOT NULL REFERENCES member(id),
    decided_at INTEGER NOT NULL
);

CREATE INDEX zsm_decision_case ON zsm_decision(case_id, decided_at);

CREATE TABLE zsm_amendment (
    previous_decision BLOB PRIMARY KEY REFERENCES zsm_decision(id),
    new_decision BLOB NOT NULL REFERENCES zsm_decision(id),
    case_id BLOB NOT NULL REFERENCES zsm_case(id),
    reason TEXT NOT NULL,
    amended_by BLOB NOT NULL REFERENCES member(id),
    amended_at INTEGER NOT NULL
);

CREATE TABLE zsm_obligation (
    id BLOB PRIMARY KEY,
    decision_id BLOB NOT NULL REFERENCES zsm_decision(id),
    case_id BLOB NOT NULL REFERENCES zsm_case(id),
    kind TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    details TEXT NOT NULL,
    responsible_agency TEXT NOT NULL,
    cancelled_at INTEGER
);

CREATE INDEX zsm_obligation_case ON zsm_obligation(case_id);
CREATE INDEX zsm_obligation_ends ON zsm_obligation(ends_on);

CREATE TABLE zsm_breach (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES zsm_case(id),
    obligation_id BLOB NOT NULL REFERENCES zsm_obligation(id),
    observed_on TEXT NOT NULL,
    description TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    recorded_by BLOB NOT NULL REFERENCES member(id),
    recorded_at INTEGER NOT NULL,
    resolution TEXT,
    resolved_at INTEGER
);

CREATE INDEX zsm_breach_case ON zsm_breach(case_id);

-- The case's own history: registered, brought to the table, decided, amended, referred, ...

CREATE TABLE zsm_case_event (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES zsm_case(id),
    at INTEGER NOT NULL,
    member_id BLOB NOT NULL REFERENCES member(id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);

CREATE INDEX zsm_case_event_case ON zsm_case_event(case_id, at);
