//! The ZSM workflows as enums with pure transitions returning effects: the case
//! (`apply(case, command, pack, &dyn Clock)`), the legal clocks on it, an order that starts a
//! clock, and the referrals for a screening a change gives rise to.

pub mod case;
pub mod clock;
pub mod order;
pub mod referral;

#[cfg(test)]
#[path = "italy_tests.rs"]
mod italy_tests;
