//! The store's integration tests, built as one test binary: the conformance stories, each run
//! on SQLite and (when `DESIST_TEST_DATABASE_URL` is set) PostgreSQL through the domain's use
//! cases and ports, so both backends are held to one behaviour; bulk loading and the evidence
//! extract on both; and opening a file that is not a desist database. One binary links the
//! store once instead of once per file. `session_memory.rs` stays a binary of its own: it
//! cuts every LISTEN connection on the PostgreSQL server, here also those of the stores of the
//! stories running beside it.

#[macro_use]
#[path = "../support/mod.rs"]
mod support;

// Changing what administration made (issue 18).
mod admin_edits;
mod append_only;
mod beyond;
mod bulk;
mod conference;
mod conference_limits;
mod evidence;
mod evidence_notify;
mod foundation;
mod funds;
mod interventions;
mod interventions_finder;
mod last_administrator;
mod measures;
mod not_desist;
mod outbox;
mod plan_concurrency;
mod plan_history;
mod sign_in;
mod zsm;
// What works (issue 21).
mod whatworks;
// Cohorts answered by the database, and index events with known answers (issue 21).
mod evidence_cohort_sql;
mod whatworks_known;
// The public value report's reads (issue 21).
mod public_value_reads;
// Mentoring and Life Change (issue 20).
mod mentoring;
// Grants to project groups and the fund reports (issue 20, grants branch).
mod grants;
// Migration 0061 on an older database; the ledger replayed in SQL (issue 20, funds3 branch).
mod fund_goal_upgrade;
// The evidence pages' snapshot of the extract (issue 21, evpages4 branch).
mod evidence_snapshot;
// Orders for a catalogue intervention's units at its cost (issue 20, funds4 branch).
mod fund_orders;
// A referral's completion closes the plan task it came from (plantask branch).
mod referral_plan_task;
// A transfer's reads: fund settings remembered by several servers, the member's zone (issue 20).
mod fund_settings;
