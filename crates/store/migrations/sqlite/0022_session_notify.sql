-- Nothing to do on SQLite (kept so both trees number their migrations alike). On PostgreSQL
-- this migration announces ended sessions to every server (LISTEN/NOTIFY), so each can keep
-- sessions in memory. A SQLite file is served by one process, whose session lookup is a
-- local read that costs no round trip, so it reads the session table every time.
SELECT 1;
