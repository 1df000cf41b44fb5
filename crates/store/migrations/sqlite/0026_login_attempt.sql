-- Sign-in attempts are recorded before their password is checked (issue 16). Append-only:
-- never edit a released migration, add one.
--
-- Failures used to be written after the check and counted before it, so attempts made at once
-- did not see each other: 60 parallel wrong passwords on one account got 42 checked (limit 5).
-- Now each attempt is written as pending and committed first, then counted with the rest; it
-- ends failed, or succeeded (no longer counted), or is deleted when the count refused it. A
-- success is kept so the next sign-in can tell the member what failed since.
CREATE TABLE login_attempt (
    id        INTEGER PRIMARY KEY,
    username  TEXT NOT NULL,
    address   TEXT NOT NULL,
    at        INTEGER NOT NULL,
    outcome   TEXT NOT NULL CHECK (outcome IN ('pending', 'failed', 'succeeded'))
);
CREATE INDEX login_attempt_username ON login_attempt(username, at);
CREATE INDEX login_attempt_address ON login_attempt(address, at);
CREATE INDEX login_attempt_at ON login_attempt(at);
INSERT INTO login_attempt (username, address, at, outcome)
    SELECT username, address, at, 'failed' FROM login_failure;
DROP TABLE login_failure;

-- Where a session was signed in from (the member's list of open sessions), and the failed
-- attempts the member is told of on the first page after signing in.
ALTER TABLE session ADD COLUMN signed_in_from TEXT NOT NULL DEFAULT '';
ALTER TABLE session ADD COLUMN failed_attempts INTEGER;
ALTER TABLE session ADD COLUMN last_failed_from TEXT;
ALTER TABLE session ADD COLUMN last_failed_at INTEGER;
CREATE INDEX session_member ON session(member_id, expires_at);
