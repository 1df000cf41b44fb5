//! The one error type of the ZSM rules. Every message names what is wrong in terms a police
//! officer, prosecutor or pack maintainer can act on; nothing internal leaks. A problem of the
//! pack itself is the jurisdiction's [`JurisdictionError`], carried here as `Pack`, except the
//! clock, disposal and time-range problems a ZSM rule reports as its own.

use jiff::Timestamp;

use crate::jurisdiction::{AuthorityRole, JurisdictionError, Partner};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZsmError {
    // --- jurisdiction packs (deployment errors, caught by the test that loads every pack) ---
    #[error(transparent)]
    Pack(JurisdictionError),

    // --- clocks ---
    #[error("the pack defines no clock `{0}`")]
    UnknownClock(String),
    #[error("clock `{clock}` has no extension `{extension}`")]
    UnknownExtension { clock: String, extension: String },
    #[error("a {role} may not grant the extension `{extension}`; allowed: {allowed}")]
    ExtensionRoleNotAllowed { extension: String, role: AuthorityRole, allowed: String },
    #[error("the extension `{extension}` may be granted at most {max_times} time(s) and has been used up")]
    ExtensionLimitReached { extension: String, max_times: u32 },
    #[error("the extension `{extension}` may only follow `{requires}`, which has not been granted")]
    ExtensionOutOfOrder { extension: String, requires: String },
    #[error("the extension `{extension}` may add at most {max_hours} hours; {requested_hours} requested")]
    ExtensionTooLong { extension: String, requested_hours: u32, max_hours: u32 },
    #[error("with this extension the clock would run {total_hours} hours; the law allows at most {max_total_hours}")]
    ExtensionBeyondTotal { extension: String, total_hours: u32, max_total_hours: u32 },
    #[error("the clock already runs for the maximum of {max_total_hours} hours the law allows")]
    ExtensionMaximumReached { max_total_hours: u32 },
    #[error("an extension must add time; the requested extension adds none")]
    EmptyExtension,
    #[error("the legal basis or reason for this extension must be recorded")]
    ExtensionBasisMissing,
    #[error("the clock expired at {deadline}; an expired clock cannot be extended")]
    ClockAlreadyExpired { deadline: Timestamp },
    #[error("the clock is no longer running (stopped or expired)")]
    ClockNotRunning,
    #[error("the clock `{clock}` starts by itself at arrest or arrival, not by an order")]
    ClockNotStartedByOrder { clock: String },
    #[error("a {role} may not order `{clock}`; allowed: {allowed}")]
    OrderRoleNotAllowed { clock: String, role: AuthorityRole, allowed: String },
    #[error("`{clock}` may only be ordered for {fact}")]
    OrderConditionNotMet { clock: String, fact: &'static str },
    #[error("`{clock}` has already been ordered on this case")]
    ClockAlreadyStarted { clock: String },
    /// Art. 57 Sv: custody is ordered while the hold for investigation runs; once the hold has
    /// ended the suspect must be released, and an order given later cannot make the time
    /// between lawful.
    #[error("`{clock}` ordered at {ordered_at}, after `{superseded}` ended at {deadline}")]
    OrderAfterExpiry { clock: String, superseded: String, ordered_at: Timestamp, deadline: Timestamp },
    #[error("`{clock}` is not ordered at the ZSM table")]
    ClockNotOrderedAtTable { clock: String },
    #[error("the order ({ordered_at}) cannot be before the arrest or in the future")]
    OrderOutsideCase { ordered_at: Timestamp },
    #[error("the date or time is out of the supported range")]
    TimeOutOfRange,

    // --- intake ---
    #[error("arrival at the station ({arrival}) is before the arrest ({arrest})")]
    ArrivalBeforeArrest { arrest: Timestamp, arrival: Timestamp },
    #[error("the arrest ({arrest}) is in the future")]
    ArrestInFuture { arrest: Timestamp },
    #[error("arrival at the station ({arrival}) is in the future")]
    ArrivalInFuture { arrival: Timestamp },
    #[error("offence {index} is dated {date}, which is in the future")]
    OffenceInFuture { index: usize, date: jiff::civil::Date },
    #[error("a case needs at least one offence")]
    NoOffences,
    #[error("{field} must not be empty")]
    EmptyField { field: &'static str },

    // --- contributions ---
    #[error("the {partner} contribution has content of another partner")]
    ContributionMismatch { partner: Partner },
    #[error("the {partner} contribution can only be marked done with its content recorded")]
    ContributionContentMissing { partner: Partner },
    #[error("the consultation at {consulted_at} lies in the future")]
    ConsultationInFuture { consulted_at: Timestamp },
    #[error("a damages claim cannot be negative")]
    NegativeDamagesClaim,
    #[error("the {partner} section was saved by someone else after it was opened")]
    SectionChangedMeanwhile { partner: Partner },

    // --- decisions ---
    #[error("unknown disposal `{code}` in this jurisdiction")]
    UnknownDisposal { code: String },
    #[error("disposal `{disposal}` has no parameter `{parameter}`")]
    UnknownParameter { disposal: String, parameter: String },
    #[error("`{parameter}` is required for disposal `{disposal}`")]
    MissingParameter { disposal: String, parameter: String },
    #[error("`{parameter}` must be {expected}")]
    WrongParameterType { parameter: String, expected: &'static str },
    #[error("`{parameter}` cannot be a negative amount")]
    NegativeAmount { parameter: String },
    #[error("`{parameter}` must be at least {min} {unit}; {given} given")]
    ParameterBelowMinimum { parameter: String, min: i64, given: i64, unit: String },
    #[error("`{parameter}` may be at most {max} {unit}; {given} given")]
    ParameterAboveMaximum { parameter: String, max: i64, given: i64, unit: String },
    #[error("`{parameter}` has no option `{option}`")]
    UnknownOption { parameter: String, option: String },
    #[error("`{parameter}` must be between {min_days} and {max_days} days after the decision date")]
    DateOutsideWindow { parameter: String, min_days: u32, max_days: u32 },
    #[error("option `{option}` requires `{flag}` (for example the suspect's consent)")]
    OptionRequiresFlag { option: String, flag: String },
    #[error("disposal `{disposal}` does not allow the obligation `{kind}`")]
    ObligationNotAllowed { disposal: String, kind: String },
    #[error("an obligation must end after it starts")]
    ObligationEndsBeforeStart,
    #[error("an obligation may last at most {max_months} months")]
    ObligationTooLong { max_months: u32 },
    #[error("an obligation cannot start before the decision date")]
    ObligationStartsInPast,
    #[error(
        "the {partner} contribution is required ({basis}) and is not done; wait for it or record why the decision cannot wait"
    )]
    RequiredContributionMissing { partner: Partner, basis: String },
    /// The law makes the contribution a condition of the disposal: no reason replaces it.
    #[error("the {partner} contribution is a condition of this decision ({basis}) and is not done")]
    MandatoryContributionMissing { partner: Partner, basis: String },
    #[error("the {partner} has not confirmed explaining the consequences of accepting ({basis})")]
    ConsequencesNotExplained { partner: Partner, basis: String },

    // --- case workflow ---
    #[error("the case is {state}; {hint}")]
    InvalidTransition { state: &'static str, hint: &'static str },
    #[error("the case has already been decided; record an amendment with a reason instead")]
    AlreadyDecided,
    #[error("a reason must be recorded")]
    ReasonMissing,
    #[error("the breach on {date} lies outside the obligation ({starts_on} – {ends_on})")]
    BreachOutsideObligation { date: jiff::civil::Date, starts_on: jiff::civil::Date, ends_on: jiff::civil::Date },
    #[error("a breach observed on {date} is in the future")]
    BreachInFuture { date: jiff::civil::Date },
    #[error("this case follows the `{case_pack}` rules, not `{given}`")]
    WrongPack { case_pack: String, given: String },
    #[error("obligation {0} does not belong to the current decision")]
    UnknownObligation(uuid::Uuid),
}

impl From<JurisdictionError> for ZsmError {
    fn from(error: JurisdictionError) -> Self {
        match error {
            JurisdictionError::UnknownClock(clock) => Self::UnknownClock(clock),
            JurisdictionError::UnknownDisposal { code } => Self::UnknownDisposal { code },
            JurisdictionError::TimeOutOfRange => Self::TimeOutOfRange,
            pack => Self::Pack(pack),
        }
    }
}
