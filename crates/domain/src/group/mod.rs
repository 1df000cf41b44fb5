//! Group approach: a named group (e.g. young people in one neighbourhood) whose members are
//! classified and each have an individual plan; the process manager sees the whole group's
//! progress on one page.

mod progress;
mod workflow;

pub use progress::{ClassProgress, GroupProgress, progress};
pub use workflow::{Group, GroupCommand, GroupError, GroupMember, MemberClass, NewGroup};
