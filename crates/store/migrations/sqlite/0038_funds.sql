-- Personal funds (issue 20): a double-entry ledger. Every account keeps four running totals;
-- its balance on its normal side (debit for `funding`, credit for the rest) never goes below
-- zero counting reservations, nor above its limit. The store checks this in the UPDATE that
-- moves the totals; the CHECKs below are the last line if code ever forgot. Transfers and
-- approvals are append-only (the triggers refuse UPDATE and DELETE): history is never changed.
CREATE TABLE fund (
    id                   BLOB PRIMARY KEY,
    name                 TEXT NOT NULL,
    kind                 TEXT NOT NULL,
    stream               TEXT NOT NULL,
    holder_agency_id     BLOB NOT NULL REFERENCES agency(id),
    period_start         TEXT NOT NULL,
    period_end           TEXT NOT NULL,
    budget_cents         INTEGER NOT NULL CHECK (budget_cents >= 0),
    approval_above_cents INTEGER NOT NULL CHECK (approval_above_cents >= 0),
    person_limit_cents   INTEGER,
    created_at           INTEGER NOT NULL,
    created_by           BLOB NOT NULL
);

CREATE TABLE fund_account (
    fund_id          BLOB NOT NULL REFERENCES fund(id),
    code             TEXT NOT NULL,
    person_id        BLOB,
    normal           TEXT NOT NULL CHECK (normal IN ('debit', 'credit')),
    limit_cents      INTEGER,
    debits_posted    INTEGER NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
    debits_pending   INTEGER NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
    credits_posted   INTEGER NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
    credits_pending  INTEGER NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
    PRIMARY KEY (fund_id, code),
    CHECK (normal <> 'credit' OR debits_posted + debits_pending <= credits_posted),
    CHECK (normal <> 'debit' OR credits_posted + credits_pending <= debits_posted),
    CHECK (limit_cents IS NULL OR normal <> 'credit' OR credits_posted + credits_pending - debits_posted <= limit_cents),
    CHECK (limit_cents IS NULL OR normal <> 'debit' OR debits_posted + debits_pending - credits_posted <= limit_cents)
);
CREATE INDEX fund_account_person ON fund_account(person_id) WHERE person_id IS NOT NULL;

CREATE TABLE fund_transfer (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              BLOB NOT NULL UNIQUE,
    fund_id         BLOB NOT NULL REFERENCES fund(id),
    kind            TEXT NOT NULL,
    debit_code      TEXT NOT NULL,
    credit_code     TEXT NOT NULL,
    amount_cents    INTEGER NOT NULL CHECK (amount_cents > 0),
    phase           TEXT NOT NULL,
    reserved_cents  INTEGER,
    person_id       BLOB,
    goal            TEXT NOT NULL,
    description     TEXT NOT NULL,
    invoice_ref     TEXT,
    pending_id      BLOB UNIQUE,
    reverses_id     BLOB UNIQUE,
    needs_approval  BOOLEAN NOT NULL,
    at              INTEGER NOT NULL,
    member_id       BLOB NOT NULL,
    agency_id       BLOB NOT NULL,
    request         TEXT NOT NULL,
    CHECK (debit_code <> credit_code)
);
CREATE INDEX fund_transfer_fund ON fund_transfer(fund_id, seq);
CREATE INDEX fund_transfer_person ON fund_transfer(person_id, seq) WHERE person_id IS NOT NULL;

CREATE TABLE fund_approval (
    transfer_id  BLOB PRIMARY KEY REFERENCES fund_transfer(id),
    fund_id      BLOB NOT NULL REFERENCES fund(id),
    member_id    BLOB NOT NULL,
    at           INTEGER NOT NULL
);

CREATE TRIGGER fund_transfer_no_update BEFORE UPDATE ON fund_transfer
BEGIN SELECT RAISE(ABORT, 'fund transfers are never changed: reverse them'); END;
CREATE TRIGGER fund_transfer_no_delete BEFORE DELETE ON fund_transfer
BEGIN SELECT RAISE(ABORT, 'fund transfers are never deleted: reverse them'); END;
CREATE TRIGGER fund_approval_no_update BEFORE UPDATE ON fund_approval
BEGIN SELECT RAISE(ABORT, 'approvals are never changed'); END;
CREATE TRIGGER fund_approval_no_delete BEFORE DELETE ON fund_approval
BEGIN SELECT RAISE(ABORT, 'approvals are never deleted'); END;
