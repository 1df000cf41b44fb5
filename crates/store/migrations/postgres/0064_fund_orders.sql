-- Personal funds (issue 20, funds4 branch): a commitment may be an order for units of a
-- catalogue intervention at its unit cost, priced by the server when it is made and kept as
-- priced (`intervention_name` and `unit_cost_cents` as they were then); its post, void or
-- reversal carries the same order. And what the person chose and why, in their own words.
-- Existing transfers are purchases described in words, with no choice recorded.
ALTER TABLE fund_transfer ADD COLUMN intervention_id uuid;
ALTER TABLE fund_transfer ADD COLUMN intervention_name text;
ALTER TABLE fund_transfer ADD COLUMN units bigint CHECK (units IS NULL OR units > 0);
ALTER TABLE fund_transfer ADD COLUMN unit_cost_cents bigint;
-- An order's commitment reserves exactly its units times the unit cost.
ALTER TABLE fund_transfer ADD CONSTRAINT fund_transfer_order_priced
    CHECK (unit_cost_cents IS NULL OR (unit_cost_cents > 0 AND units IS NOT NULL AND intervention_id IS NOT NULL
           AND (kind <> 'commit' OR amount_cents = units * unit_cost_cents)));
ALTER TABLE fund_transfer ADD COLUMN choice text NOT NULL DEFAULT '';
ALTER TABLE fund_transfer ADD COLUMN choice_reason text NOT NULL DEFAULT '';

CREATE INDEX fund_transfer_intervention ON fund_transfer(intervention_id) WHERE intervention_id IS NOT NULL;
