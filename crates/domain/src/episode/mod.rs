//! Short intensive case management ("hit and run"): a time-boxed episode with a case manager,
//! an agreed intensity of contacts per week and a contact log. The flags say when an episode
//! falls behind its intensity or runs past its time box.

mod flags;
mod workflow;

pub use flags::{EpisodeFlags, IntensityShortfall};
pub use workflow::{
    Contact, ContactKind, Episode, EpisodeCommand, EpisodeEffect, EpisodeError, EpisodeStatus, NewEpisode,
};
