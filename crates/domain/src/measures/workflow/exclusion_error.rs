//! The one error of the mayor's measures: the exclusion order and the area ban refuse a change
//! with it.

use crate::ids::{PersonId, TaskId};
use jiff::Timestamp;
use jiff::civil::Date;
use thiserror::Error;

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ExclusionError {
    #[error("name at least one person the order protects")]
    NoVictims,
    #[error("the excluded person cannot also be listed as a victim or child")]
    ExcludedPersonProtected,
    #[error("give the address the person is excluded from")]
    MissingAddress,
    #[error("give the reference of the mayor's decision")]
    MissingDecision,
    #[error("{requested} days in total is past the legal maximum of {maximum} days ({statute})")]
    ExtensionBeyondMaximum { requested: u16, maximum: u16, statute: String },
    #[error("an extension must make the order longer than its current {current} days")]
    ExtensionNotLonger { current: u16, requested: u16 },
    #[error("the order ended at {ended_at}; impose a new order instead of extending")]
    OrderEnded { ended_at: Timestamp },
    #[error("the order is no longer in force")]
    NotInForce,
    #[error("the order runs until {ends_at}; it cannot be marked expired before then")]
    NotYetExpired { ends_at: Timestamp },
    #[error("an exclusion order from this address is already in force on the person; extend it instead")]
    AlreadyInForce,
    #[error("record the advice on extension first, or say why the mayor decides without it")]
    ExtensionWithoutAdvice,
    #[error("an area ban on this area is already in force on the person; extend it instead")]
    BanAlreadyInForce,
    #[error("the victim's part in the safety plan is recorded for a victim named on the order")]
    VoiceOfSomeoneElse,
    #[error("write the victim's wishes")]
    VoiceWithoutWishes,
    #[error("the talk with the victim cannot be dated in the future")]
    VoiceInTheFuture,
    #[error("give the reason for lifting")]
    LiftNeedsReason,
    #[error("write the advice on extension")]
    EmptyAdvice,
    #[error("help tasks are for the excluded person, the victims or the children named on the order")]
    HelpForSomeoneElse(PersonId),
    #[error("write what the help is")]
    EmptyHelpDescription,
    #[error("there is no such help task on this order")]
    UnknownHelpTask(TaskId),
    #[error("name the area the person is banned from")]
    MissingArea,
    #[error("the ban must end after it starts ({starts_on}); {ends_on} is too early")]
    BanEndsBeforeStart { starts_on: Date, ends_on: Date },
    #[error("an extended ban must end later than {current}")]
    BanNotLonger { current: Date },
}
