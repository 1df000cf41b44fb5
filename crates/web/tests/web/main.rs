//! The web crate's integration tests, built as one test binary: each file links the whole
//! application, so one binary links it once instead of once per file. Each module is one area
//! of the application over a real listener and a real database; `support` starts the
//! application and holds the fixtures the modules share.

mod support;

mod admin;
mod admin_edit;
mod api;
mod api_examples;
mod api_measures;
mod api_meetings;
mod api_partners;
mod api_plan;
// Issue 18, the whole API (apiplan): the plan walked from draft to re-evaluation.
mod api_plan_walk;
mod api_screenings;
mod authorization;
mod authorization_matrix;
mod beyond;
mod beyond_daily;
mod cohort_changes;
mod cohort_decisions;
mod conference;
mod conference_handoffs;
mod duplicates;
mod evidence;
mod evidence_cache;
mod export;
mod funds;
mod help_tasks;
mod interventions;
mod interventions_admin;
mod interventions_https;
mod interventions_keeping;
mod interventions_languages;
mod interventions_plan;
mod languages;
mod mayors_measures;
mod measures;
mod metrics;
mod notifications;
mod pack_per_location;
mod people;
mod person_picker;
mod plan_conflicts;
mod request_safety_house;
mod restricted;
mod security;
mod sign_in;
mod zsm;
// walk2: hand-offs walked as each role.
mod handoff_walks;
mod zsm_board_wall;
mod zsm_case_page;
mod zsm_intake_search;
mod zsm_lawyer_safeguard;
mod zsm_obligations;
mod zsm_orders;
mod zsm_overrun;
mod zsm_record;
mod zsm_referral;
mod zsm_sections;
// What works (issue 21).
mod whatworks;
// The public value report (issue 21).
mod plan_outcomes;
mod public_value;
// Life Change, a person's mentor and consent changes (issue 20).
mod life_change;
// Times per pack (issue 18, tzadmin).
mod time_zones;
// "Today" per pack in evidence, funds, interventions, notifications (issue 18, tz2).
mod time_zones_per_pack;
// Rewording and withdrawing a plan goal on the plan page (issue 18, tz2).
mod plan_goal_forms;
// Grants to project groups, fund reports, the Life Change API (issue 20, grants branch).
mod grants;
// Issue 18, the whole API and packs per location (apipacks).
mod api_conference_writes;
mod api_groups_cohorts;
mod packs_per_item;
// Issue 18, the whole API: the ZSM table (apizsm).
mod api_zsm;
mod api_zsm_sections;
// Purchases name the plan goal they serve; the goal tables agree (issue 20, funds2).
mod fund_goals;
// Need-to-know in the API's list to screen, on both backends (issue 18, admin3).
mod table_daily;
mod to_screen_need_to_know;
// The fund pages' per-row errors and what a grant pot funded (issue 20, funds3 branch).
mod fund_pages;
// The statement in time order and one register, after the walk (issue 20).
mod fund_statement;
// Orders from the catalogue and the person's choices (issue 20, funds4 branch).
mod fund_orders;
// Who finds and refers is data; every menu link opens for each role (issue 19, finder3).
mod referrer_policy_and_nav;
// The catalogue and webhooks follow the provider side's roles (issue 19, finder branch).
mod provider_side_keeping;
// The weekly review held is a record of the plan, counted by the public value report (issue 21, evdemo3).
mod plan_reviews;
// Views4: commissioners' and location leads' reach, ending a mentor match.
mod mentor_endings;
mod whatworks_reach;
// Disclosure control across as-of dates (evdiff).
mod whatworks_dates;
// Contracts: who commissions whom (issue 21, evmisc).
mod contracts;
// Issue 17 walk (walk4): the proposer hears the answer, referrals in words, the triage list.
mod handoff_answers;
// A referral's completion closes the plan task it came from (plantask branch).
mod referral_task_done;
// Issue 20 walk (misc): an order's actions in one row, each named for the order.
mod fund_actions;
// Issue 19 walk (misc): the catalogue and webhook pages for the provider and for probation.
mod catalogue_forms;
