-- Tells every desist server on this database when reference data it keeps in memory changed
-- (PostgreSQL only; `memory.rs`), as migration 0022 does for sessions. Append-only: never edit
-- a released migration, add one.
--
-- Every request that refers, provides or shows the menu read which roles act for which side
-- of a referral; every member's page read their agency's pack and the packs and time zones of
-- the locations it sits at (three times a page); every finder request read the finder's rows
-- of the person's area and needs, most of what it cost PostgreSQL. A server now keeps these
-- and LISTENs on `desist_reference`, where these triggers announce a change by what it
-- concerns: `side_roles`, `packs` or `finder`. Triggers rather than the store's own code, so a
-- change made by any process (`psql`, another server, a migration) reaches the servers; the
-- notification is sent when the change commits. One per statement: a rebuild of the finder's
-- rows is one announcement, not one per row.
CREATE FUNCTION desist_reference_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('desist_reference', TG_ARGV[0]);
    RETURN NULL;
END
$$;

CREATE TRIGGER referral_side_role_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON referral_side_role
    FOR EACH STATEMENT EXECUTE FUNCTION desist_reference_changed('side_roles');
-- Only a change of its pack (or an agency added or deleted): an agency's name and contact do
-- not choose its pages' rules.
CREATE TRIGGER agency_pack_changed AFTER INSERT OR UPDATE OF pack OR DELETE ON agency
    FOR EACH STATEMENT EXECUTE FUNCTION desist_reference_changed('packs');
-- Only its pack and time zone: a location's board generation moves with every case.
CREATE TRIGGER zsm_location_pack_changed AFTER INSERT OR UPDATE OF pack, time_zone OR DELETE ON zsm_location
    FOR EACH STATEMENT EXECUTE FUNCTION desist_reference_changed('packs');
CREATE TRIGGER zsm_location_agency_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON zsm_location_agency
    FOR EACH STATEMENT EXECUTE FUNCTION desist_reference_changed('packs');
CREATE TRIGGER intervention_finder_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON intervention_finder
    FOR EACH STATEMENT EXECUTE FUNCTION desist_reference_changed('finder');
