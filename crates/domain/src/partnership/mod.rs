//! Administering the partnership without SQL (issue 18): its agencies, their members (roles and
//! designations, disabling, password resets that force a change, their open sessions), the ZSM
//! locations and custody suites with their jurisdiction pack and time zone, and the Safety
//! Houses / IOM hubs with their conference settings and partner agencies. One use case per
//! action, each allowed to administrators only and audited, refusals too; the web pages, the
//! JSON API and the CLI (`desist init`, `agency`, `location`, `user`) all go through it.
//!
//! * [`model`] — the inputs as typed in a form, a JSON body or on the command line, and their
//!   parsing into what is stored; the packs a location may name.
//! * [`ports`] — what it reads and writes (each write with its audit entry, in one
//!   transaction), and how passwords are made and hashed (outside the domain: argon2, randomness).
//! * [`service`] — the use cases; [`service::api_keys`] — keys for partner systems, with theirs.

pub mod model;
pub mod ports;
pub mod service;

pub use model::*;
