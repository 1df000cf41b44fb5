-- Personal funds (issue 20): a double-entry ledger. Every account keeps four running totals;
-- its balance on its normal side (debit for `funding`, credit for the rest) never goes below
-- zero counting reservations, nor above its limit. The store checks this in the UPDATE that
-- moves the totals; the CHECKs below are the last line if code ever forgot. Transfers and
-- approvals are append-only (the triggers refuse UPDATE and DELETE): history is never changed.
CREATE TABLE fund (
    id                   uuid PRIMARY KEY,
    name                 text NOT NULL,
    kind                 text NOT NULL,
    stream               text NOT NULL,
    holder_agency_id     uuid NOT NULL REFERENCES agency(id),
    period_start         date NOT NULL,
    period_end           date NOT NULL,
    budget_cents         bigint NOT NULL CHECK (budget_cents >= 0),
    approval_above_cents bigint NOT NULL CHECK (approval_above_cents >= 0),
    person_limit_cents   bigint,
    created_at           timestamptz NOT NULL,
    created_by           uuid NOT NULL
);

CREATE TABLE fund_account (
    fund_id          uuid NOT NULL REFERENCES fund(id),
    code             text NOT NULL,
    person_id        uuid,
    normal           text NOT NULL CHECK (normal IN ('debit', 'credit')),
    limit_cents      bigint,
    debits_posted    bigint NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
    debits_pending   bigint NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
    credits_posted   bigint NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
    credits_pending  bigint NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
    PRIMARY KEY (fund_id, code),
    CHECK (normal <> 'credit' OR debits_posted + debits_pending <= credits_posted),
    CHECK (normal <> 'debit' OR credits_posted + credits_pending <= debits_posted),
    CHECK (limit_cents IS NULL OR normal <> 'credit' OR credits_posted + credits_pending - debits_posted <= limit_cents),
    CHECK (limit_cents IS NULL OR normal <> 'debit' OR debits_posted + debits_pending - credits_posted <= limit_cents)
);
CREATE INDEX fund_account_person ON fund_account(person_id) WHERE person_id IS NOT NULL;

CREATE TABLE fund_transfer (
    seq             bigserial PRIMARY KEY,
    id              uuid NOT NULL UNIQUE,
    fund_id         uuid NOT NULL REFERENCES fund(id),
    kind            text NOT NULL,
    debit_code      text NOT NULL,
    credit_code     text NOT NULL,
    amount_cents    bigint NOT NULL CHECK (amount_cents > 0),
    phase           text NOT NULL,
    reserved_cents  bigint,
    person_id       uuid,
    goal            text NOT NULL,
    description     text NOT NULL,
    invoice_ref     text,
    pending_id      uuid UNIQUE,
    reverses_id     uuid UNIQUE,
    needs_approval  boolean NOT NULL,
    at              timestamptz NOT NULL,
    member_id       uuid NOT NULL,
    agency_id       uuid NOT NULL,
    request         text NOT NULL,
    CHECK (debit_code <> credit_code)
);
CREATE INDEX fund_transfer_fund ON fund_transfer(fund_id, seq);
CREATE INDEX fund_transfer_person ON fund_transfer(person_id, seq) WHERE person_id IS NOT NULL;

CREATE TABLE fund_approval (
    transfer_id  uuid PRIMARY KEY REFERENCES fund_transfer(id),
    fund_id      uuid NOT NULL REFERENCES fund(id),
    member_id    uuid NOT NULL,
    at           timestamptz NOT NULL
);

CREATE FUNCTION fund_history_is_never_changed() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'fund transfers and approvals are never changed or deleted: reverse them';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER fund_transfer_no_change BEFORE UPDATE OR DELETE ON fund_transfer
    FOR EACH ROW EXECUTE FUNCTION fund_history_is_never_changed();
CREATE TRIGGER fund_approval_no_change BEFORE UPDATE OR DELETE ON fund_approval
    FOR EACH ROW EXECUTE FUNCTION fund_history_is_never_changed();
