-- A fund's settings carry a version (issue 20). Servers keep fund rows in memory for the
-- transfer path (the holder, the approval threshold, the person limit), so a transfer costs no
-- read of its fund; the transaction that records a transfer checks in its INSERT that the fund
-- is still at the version the transfer was planned with, and refuses it otherwise (the server
-- then reads the fund again and plans anew). The trigger raises the version on every change of
-- the row, whatever statement made it, so no change can slip past that check.
ALTER TABLE fund ADD COLUMN version bigint NOT NULL DEFAULT 1;

CREATE FUNCTION fund_next_version() RETURNS trigger AS $$
BEGIN
    NEW.version := OLD.version + 1;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER fund_version BEFORE UPDATE ON fund
    FOR EACH ROW EXECUTE FUNCTION fund_next_version();
