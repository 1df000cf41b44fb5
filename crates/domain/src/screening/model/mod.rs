//! A screening's values: the screening parsed against the pack's domains and scale, the change
//! between screenings, the form as typed, and the referrals from the ZSM table it starts from.

mod change;
mod form;
pub(crate) mod record;
mod referral;

pub use change::{DomainChange, DomainSeries, Trend, compare, history};
pub use form::{ScoreInput, ScreeningInput, field_error, score_field, source_field};
pub use record::{DomainScore, RawDomainScore, RawScreening, Score, Screening, ScreeningError};
pub use referral::{ADVICE, ProbationAdvice, ReferralReason, ScreeningReferral, Signal, prefill};
