//! The measures' values: an episode's flags (behind its intensity, past its time box), a
//! group's progress over its members' plans, the help tasks of exclusion orders on the task
//! lists, and the forms as typed with their parsing.

mod episode_flags;
mod forms;
mod group_progress;
pub(crate) mod parse;
mod task_lines;

pub use episode_flags::{EpisodeFlags, EpisodeProgress, IntensityShortfall, may_manage_episode};
pub(crate) use forms::class;
pub use forms::{
    BanAction, BanInput, CONTACT_KINDS, EpisodeAction, EpisodeInput, GroupAction, GroupInput, MEMBER_CLASSES,
    OrderAction, OrderInput, contact_kind_code, episode_field_error, exclusion_field_error, group_field_error,
    member_class_code,
};
pub use group_progress::{ClassProgress, GroupProgress, progress};
pub use task_lines::{HelpTaskLine, ListedTask, help_task_lines, merge_task_lines};
