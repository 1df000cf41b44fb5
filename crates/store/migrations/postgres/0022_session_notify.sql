-- Tells every desist server on this database when a signed-in session may have ended, so
-- each can keep the sessions in use in memory (PostgreSQL only). Append-only: never edit a
-- released migration, add one.
--
-- Looking the session up was a round trip before every signed-in request. A server now keeps
-- the sessions it has seen and LISTENs on `desist_session`: a session deleted (logout, a
-- disabled member, the expiry sweep) is announced by its token hash, and any change to a
-- member or an agency (roles, names, disabling, passwords) by '*', which empties every
-- server's memory. Triggers rather than the store's own code, so a change made by any
-- process, `desist user disable` included, reaches the servers. The notification is sent
-- when the change commits.
CREATE FUNCTION desist_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'session' THEN
        PERFORM pg_notify('desist_session', OLD.token_hash);
    ELSE
        PERFORM pg_notify('desist_session', '*');
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER session_changed AFTER UPDATE OR DELETE ON session
    FOR EACH ROW EXECUTE FUNCTION desist_session_changed();
CREATE TRIGGER member_changed AFTER UPDATE OR DELETE ON member
    FOR EACH ROW EXECUTE FUNCTION desist_session_changed();
CREATE TRIGGER agency_changed AFTER UPDATE OR DELETE ON agency
    FOR EACH ROW EXECUTE FUNCTION desist_session_changed();
