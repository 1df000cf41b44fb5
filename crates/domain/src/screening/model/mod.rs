//! A screening's values: the screening parsed against the pack's domains and scale, the change
//! between screenings, the form as typed, and the referrals from the ZSM table it starts from.

mod change;
mod form;
pub(crate) mod record;
mod referral;
mod waiting;

pub use change::{DomainChange, DomainSeries, Trend, compare, history};
pub use form::{ScoreInput, ScreeningInput, field_error, note_field, score_field, source_field};
pub use record::{DomainScore, RawDomainScore, RawScreening, Score, Screening, ScreeningError};
pub use referral::{ADVICE, ProbationAdvice, ReferralReason, ScreeningReferral, Signal, prefill};
pub use waiting::{WAITING_PAGE_SIZE, WaitingPerson, matching, waiting_persons};
