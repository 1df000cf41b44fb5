-- A fund's settings carry a version (issue 20). Servers keep fund rows in memory for the
-- transfer path (the holder, the approval threshold, the person limit), so a transfer costs no
-- read of its fund; the transaction that records a transfer checks in its INSERT that the fund
-- is still at the version the transfer was planned with, and refuses it otherwise (the server
-- then reads the fund again and plans anew). The trigger raises the version on every change of
-- the row that does not raise it itself, so no change can slip past that check (the trigger's
-- own UPDATE raises it, so it does not fire again).
ALTER TABLE fund ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TRIGGER fund_version AFTER UPDATE ON fund
    FOR EACH ROW WHEN NEW.version <= OLD.version
BEGIN
    UPDATE fund SET version = OLD.version + 1 WHERE id = NEW.id;
END;
