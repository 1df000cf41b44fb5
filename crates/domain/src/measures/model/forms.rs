//! The measures' forms as typed (episodes, the mayor's measures, groups), the codes their
//! choices are posted as, and the form field and catalogue key of each refused rule.

use crate::access::Permission;
use crate::measures::workflow::{ContactKind, EpisodeError, ExclusionError, GroupError, MemberClass};
use crate::service::ServiceResult;
use crate::validation::{FieldError, invalid};

// --- short intensive case management ---

pub fn episode_field_error(error: &EpisodeError) -> FieldError {
    match error {
        EpisodeError::ZeroWeeks => FieldError::new("weeks", "error.episode.zero_weeks"),
        EpisodeError::ZeroIntensity => FieldError::new("contacts_per_week", "error.episode.zero_intensity"),
        EpisodeError::ContactBeforeStart { started_on, .. } => {
            FieldError::new("on", "error.episode.contact_before_start").with("started_on", started_on)
        }
        EpisodeError::ContactInTheFuture { .. } => FieldError::new("on", "error.episode.contact_in_future"),
        EpisodeError::ZeroExtension => FieldError::new("extra_weeks", "error.episode.zero_extension"),
        EpisodeError::ExtendNeedsReason | EpisodeError::CloseNeedsReason => {
            FieldError::new("reason", "error.episode.reason")
        }
        EpisodeError::Closed => FieldError::new("episode", "error.episode.closed"),
        EpisodeError::TooManyWeeks { max } => FieldError::new("weeks", "error.episode.too_many_weeks").with("max", max),
        EpisodeError::TooIntense { max } => {
            FieldError::new("contacts_per_week", "error.episode.too_intense").with("max", max)
        }
        EpisodeError::ExtendedTooLong { total, max } => {
            FieldError::new("extra_weeks", "error.episode.extended_too_long").with("total", total).with("max", max)
        }
    }
}

/// The codes a contact kind is posted and shown as.
pub const CONTACT_KINDS: [(&str, ContactKind); 4] = [
    ("in_person", ContactKind::InPerson),
    ("home_visit", ContactKind::HomeVisit),
    ("phone", ContactKind::Phone),
    ("with_partner", ContactKind::WithPartner),
];

pub fn contact_kind_code(kind: ContactKind) -> &'static str {
    CONTACT_KINDS.iter().find(|(_, k)| *k == kind).map_or("in_person", |(code, _)| code)
}

/// An episode as typed into the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EpisodeInput {
    pub case_manager: String,
    pub started_on: String,
    pub weeks: String,
    pub contacts_per_week: String,
}

/// A change to an episode as typed into a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EpisodeAction {
    Contact { episode: String, on: String, kind: String, note: String },
    Extend { episode: String, extra_weeks: String, reason: String },
    Close { episode: String, reason: String },
}

impl EpisodeAction {
    pub fn permission(&self) -> Permission {
        match self {
            EpisodeAction::Contact { .. } => Permission::WorkOnPlan,
            _ => Permission::ManagePlan,
        }
    }
}

// --- the mayor's measures ---

pub fn exclusion_field_error(error: &ExclusionError) -> FieldError {
    use ExclusionError::*;
    match error {
        NoVictims => FieldError::new("victims", "error.exclusion.no_victims"),
        ExcludedPersonProtected => FieldError::new("victims", "error.exclusion.excluded_protected"),
        MissingAddress => FieldError::new("address", "error.exclusion.address"),
        MissingDecision => FieldError::new("decision_ref", "error.exclusion.decision"),
        ExtensionBeyondMaximum { requested, maximum, statute } => {
            FieldError::new("to_total_days", "error.exclusion.beyond_maximum")
                .with("requested", requested)
                .with("maximum", maximum)
                .with("statute", statute)
        }
        ExtensionNotLonger { current, .. } => {
            FieldError::new("to_total_days", "error.exclusion.not_longer").with("current", current)
        }
        OrderEnded { .. } | NotInForce | NotYetExpired { .. } => {
            FieldError::new("order", "error.exclusion.not_in_force")
        }
        LiftNeedsReason => FieldError::new("reason", "error.exclusion.lift_reason"),
        AlreadyInForce => FieldError::new("address", "error.exclusion.already_in_force"),
        VoiceOfSomeoneElse => FieldError::new("victim", "error.exclusion.voice_victim"),
        VoiceWithoutWishes => FieldError::new("wishes", "error.exclusion.voice_wishes"),
        VoiceInTheFuture => FieldError::new("spoken_on", "error.exclusion.voice_future"),
        ExtensionWithoutAdvice => FieldError::new("without_advice_reason", "error.exclusion.without_advice"),
        BanAlreadyInForce => FieldError::new("area", "error.area_ban.already_in_force"),
        EmptyAdvice => FieldError::new("advice", "error.exclusion.advice"),
        HelpForSomeoneElse(_) => FieldError::new("for_person", "error.exclusion.help_for_someone_else"),
        EmptyHelpDescription => FieldError::new("description", "error.exclusion.help_description"),
        UnknownHelpTask(_) => FieldError::new("task", "error.measures.unknown_measure"),
        MissingArea => FieldError::new("area", "error.area_ban.area"),
        BanEndsBeforeStart { .. } => FieldError::new("ends_on", "error.area_ban.ends_before_start"),
        BanNotLonger { current } => FieldError::new("ends_on", "error.area_ban.not_longer").with("current", current),
    }
}

/// An exclusion order as typed into the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderInput {
    /// Person numbers of the victims and of the children, one per line.
    pub victims: String,
    pub children: String,
    pub address: String,
    pub decision_ref: String,
    /// Local date and time of imposition; empty is now.
    pub imposed_at: String,
}

/// A change to an exclusion order as typed into a form; `order` is its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderAction {
    Extend {
        order: String,
        to_total_days: String,
        decision_ref: String,
        without_advice_reason: String,
    },
    Advice {
        order: String,
        advice: String,
    },
    AddHelp {
        order: String,
        for_person: String,
        owner: String,
        description: String,
    },
    HelpStarted {
        order: String,
        task: String,
    },
    Lift {
        order: String,
        reason: String,
    },
    /// The victim's part in the safety plan, recorded from the victim's own page.
    VictimVoice {
        order: String,
        victim: String,
        wishes: String,
        involvement: String,
        spoken_on: String,
    },
}

impl OrderAction {
    /// The mayor decides (the municipality); advice and starting help are the partners' work.
    pub fn permission(&self) -> Permission {
        match self {
            OrderAction::HelpStarted { .. } | OrderAction::Advice { .. } | OrderAction::VictimVoice { .. } => {
                Permission::WorkOnPlan
            }
            _ => Permission::DecideMayorMeasure,
        }
    }

    pub(crate) fn order(&self) -> &str {
        match self {
            OrderAction::Extend { order, .. }
            | OrderAction::Advice { order, .. }
            | OrderAction::AddHelp { order, .. }
            | OrderAction::HelpStarted { order, .. }
            | OrderAction::Lift { order, .. }
            | OrderAction::VictimVoice { order, .. } => order,
        }
    }

    pub(crate) fn change(&self) -> &'static str {
        match self {
            OrderAction::Extend { .. } => "extend",
            OrderAction::Advice { .. } => "extension_advice",
            OrderAction::AddHelp { .. } => "add_help",
            OrderAction::HelpStarted { .. } => "help_started",
            OrderAction::Lift { .. } => "lift",
            OrderAction::VictimVoice { .. } => "victim_voice",
        }
    }
}

/// An area ban as typed into the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BanInput {
    pub area: String,
    pub decision_ref: String,
    pub starts_on: String,
    pub ends_on: String,
}

/// A change to an area ban as typed into a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BanAction {
    Extend { ban: String, ends_on: String, decision_ref: String },
    Lift { ban: String, reason: String },
}

// --- the group approach ---

pub const MEMBER_CLASSES: [(&str, MemberClass); 3] =
    [("core", MemberClass::Core), ("follower", MemberClass::Follower), ("at_risk", MemberClass::AtRisk)];

pub fn member_class_code(class: MemberClass) -> &'static str {
    MEMBER_CLASSES.iter().find(|(_, c)| *c == class).map_or("core", |(code, _)| code)
}

pub(crate) fn class(text: &str) -> ServiceResult<MemberClass> {
    MEMBER_CLASSES
        .iter()
        .find(|(code, _)| *code == text.trim())
        .map(|(_, c)| *c)
        .ok_or_else(|| invalid(FieldError::new("class", "error.group.class")))
}

pub fn group_field_error(error: &GroupError) -> FieldError {
    match error {
        GroupError::MissingName => FieldError::new("name", "error.group.name"),
        GroupError::AlreadyMember(_) => FieldError::new("person", "error.group.already_member"),
        GroupError::NotMember(_) => FieldError::new("person", "error.group.not_member"),
        GroupError::PlanLinkedToOtherMember(_) => FieldError::new("person", "error.group.plan_linked"),
        GroupError::RemoveNeedsReason => FieldError::new("reason", "error.group.remove_reason"),
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupInput {
    pub name: String,
    pub area: String,
}

/// A change to a group's membership as typed into a form; `person` is the person's number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupAction {
    AddMember { person: String, class: String },
    Reclassify { person: String, class: String },
    Remove { person: String, reason: String },
}
