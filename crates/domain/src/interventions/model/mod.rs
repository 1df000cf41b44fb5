//! The catalogue, referrals, the expected wait and unmet need.

mod catalogue;
mod change_input;
mod referral;
mod unmet;
mod wait;

// Community networks (issue 20, lifechange branch).
pub mod community;
pub use catalogue::*;
pub use change_input::*;
pub use referral::*;
pub use unmet::*;
pub use wait::*;
