-- The jurisdiction pack an agency works under, for a Safety House (or an IOM hub) that runs
-- triage, case conferences and plans under its own country's rules in a deployment that spans
-- more than one. NULL: the deployment's default pack (the `pack` setting). Append-only: never
-- edit a released migration, add one.
ALTER TABLE agency ADD COLUMN pack TEXT;
