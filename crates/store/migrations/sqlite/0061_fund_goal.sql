-- Purchases name the plan goal they serve (issue 20): `goal_id` is a goal of the person's plan
-- (the goal's id inside the plan's JSON state), kept beside `goal`, the words it had when the
-- transfer was recorded (or the goal as stated, for a person without a plan or a group). The
-- reports group by it and read from the plan whether it was reached.
--
-- Transfers recorded before this name their goal only in words: where those words are exactly
-- a goal of one of the person's plans (the newest plan first), the goal is linked; otherwise the
-- words stay. Linking adds a reference the words already made; no amount, account or word
-- changes, so the append-only trigger is lifted for this one statement and put back.
ALTER TABLE fund_transfer ADD COLUMN goal_id BLOB;

DROP TRIGGER fund_transfer_no_update;
UPDATE fund_transfer SET goal_id = (
    SELECT unhex(replace(json_extract(g.value, '$.id'), '-', ''))
    FROM plan p, json_each(p.state, '$.goals') g
    WHERE p.person_id = fund_transfer.person_id
      AND json_extract(g.value, '$.in_own_words') = fund_transfer.goal
    ORDER BY p.created_at DESC
    LIMIT 1
)
WHERE person_id IS NOT NULL AND goal <> '';
CREATE TRIGGER fund_transfer_no_update BEFORE UPDATE ON fund_transfer
BEGIN SELECT RAISE(ABORT, 'fund transfers are never changed: reverse them'); END;

CREATE INDEX fund_transfer_goal ON fund_transfer(goal_id) WHERE goal_id IS NOT NULL;
