-- A location's board generation: raised in the same transaction as every change that could
-- alter what the location's board lists (a case of the location written, the team or the
-- name of a suspect with a case there). A server keeps each board's list of cases with the
-- generation it read before the list, and reads the list again only when the generation
-- has moved, so an unchanged board costs one primary-key read instead of three index seeks
-- per case; servers sharing one database see each other's changes through this column.
ALTER TABLE zsm_location ADD COLUMN board_generation BIGINT NOT NULL DEFAULT 0;
