-- History cannot be emptied with TRUNCATE either (issue 16). Append-only: never edit a released
-- migration, add one.
--
-- The row triggers of the audit log and the other histories refuse UPDATE and DELETE, but
-- TRUNCATE fires no row triggers: a role that may truncate could empty the audit log in one
-- statement. A statement trigger refuses it for every history table. (The deployment's own
-- hardening goes further: the application's role is not the tables' owner — see "Run it for
-- real" in the README — so it cannot drop these triggers either.)
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_append_only();
CREATE TRIGGER evidence_cohort_override_no_truncate BEFORE TRUNCATE ON evidence_cohort_override
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_append_only();
CREATE TRIGGER screening_no_truncate BEFORE TRUNCATE ON screening
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_append_only();
CREATE TRIGGER screening_score_no_truncate BEFORE TRUNCATE ON screening_score
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_append_only();
CREATE TRIGGER plan_event_no_truncate BEFORE TRUNCATE ON plan_event
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_append_only();
CREATE TRIGGER measure_event_no_truncate BEFORE TRUNCATE ON measure_event
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_append_only();
