-- Purchases name the plan goal they serve (issue 20): `goal_id` is a goal of the person's plan
-- (the goal's id inside the plan's JSON state), kept beside `goal`, the words it had when the
-- transfer was recorded (or the goal as stated, for a person without a plan or a group). The
-- reports group by it and read from the plan whether it was reached.
--
-- Transfers recorded before this name their goal only in words: where those words are exactly
-- a goal of one of the person's plans (the newest plan first), the goal is linked; otherwise the
-- words stay. Linking adds a reference the words already made; no amount, account or word
-- changes, so the append-only trigger is lifted for this one statement (inside the migration's
-- transaction) and put back.
ALTER TABLE fund_transfer ADD COLUMN goal_id uuid;

ALTER TABLE fund_transfer DISABLE TRIGGER fund_transfer_no_change;
UPDATE fund_transfer t SET goal_id = (
    SELECT (g ->> 'id')::uuid
    FROM plan p, jsonb_array_elements(p.state::jsonb -> 'goals') g
    WHERE p.person_id = t.person_id
      AND g ->> 'in_own_words' = t.goal
    ORDER BY p.created_at DESC
    LIMIT 1
)
WHERE t.person_id IS NOT NULL AND t.goal <> '';
ALTER TABLE fund_transfer ENABLE TRIGGER fund_transfer_no_change;

CREATE INDEX fund_transfer_goal ON fund_transfer(goal_id) WHERE goal_id IS NOT NULL;
