//! The measures as enums with pure transitions returning effects: the mayor's exclusion order
//! (NL huisverbod) with its clock in local time and the area ban, both warning before they
//! end; a short intensive case management episode; a group of the group approach.

mod area_ban;
pub(crate) mod episode;
mod exclusion_error;
mod exclusion_order;
mod group;
mod proposal;

pub use area_ban::{AreaBan, AreaBanCommand, AreaBanStatus, AreaBanWarning, NewAreaBan};
pub use episode::{
    Contact, ContactKind, Episode, EpisodeCommand, EpisodeEffect, EpisodeError, EpisodeStatus, NewEpisode,
};
pub use exclusion_error::ExclusionError;
pub use exclusion_order::{
    ExclusionContext, ExclusionEffect, ExclusionOrder, ExclusionWarning, Extension, HelpTask, NewExclusionOrder,
    OrderCommand, OrderStatus, VictimVoice,
};
pub use group::{Group, GroupCommand, GroupError, GroupMember, MemberClass, NewGroup};
pub use proposal::{MeasureProposal, ProposalEffect, ProposalError, ProposalOutcome, ProposalStatus, ProposedMeasure};
