-- Nothing to do on SQLite (kept so both trees number their migrations alike). On PostgreSQL
-- this migration announces changes to the reference data a server keeps in memory (the roles
-- of each side of a referral, agencies' packs and locations, the finder's rows) to every
-- server (LISTEN/NOTIFY). A SQLite file's reads are local and cost no round trip, so it reads
-- them every time.
SELECT 1;
