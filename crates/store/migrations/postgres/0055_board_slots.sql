-- A location's board generation in slots (issue 17, item 1). Every change that could alter a
-- board raised the one `zsm_location.board_generation` in its own transaction, so on
-- PostgreSQL every write at a location queued behind the row lock of the write before until
-- that write's commit was on disk: 64 partners saving different sections of different cases
-- waited for each other's commits one by one (p99 227 ms). A write now raises the slot of its
-- own database connection instead (`pg_backend_pid() % 64`; SQLite has one writer and uses
-- slot 0), so writes on different connections take different row locks and commit together.
-- A board's generation is `board_generation` plus the sum of its slots: every slot only
-- grows, so the sum moves with every committed change, as the one column did.
CREATE TABLE zsm_board_slot (
    location TEXT NOT NULL REFERENCES zsm_location (code),
    slot BIGINT NOT NULL,
    generation BIGINT NOT NULL,
    PRIMARY KEY (location, slot)
);
