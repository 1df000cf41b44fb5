//! The desist domain: pure Rust. Ids, validated values, the injected Clock, jurisdiction rules,
//! every workflow as an enum with pure transitions, and the storage traits (ports) that the
//! `store` crate implements. No SQL, no HTTP, no async runtime here.

pub mod clock;
pub mod jurisdiction;
pub mod zsm;

pub use clock::{Clock, FixedClock, SystemClock};
