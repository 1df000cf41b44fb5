//! View models for the measures pages and the warnings shown on the plan and the weekly
//! review: plain strings for the templates, built in one place.

use crate::i18n::Texts;
use crate::lookup::{agency_name, member_name};
use crate::page::local_time;
use domain::directory::{Agency, Member};
use domain::ids::{AgencyId, PersonId};
use domain::measures::ports::Stored;
use domain::measures::service::{MeasureWarning, PlanMeasures};
use domain::measures::{
    AreaBan, AreaBanStatus, AreaBanWarning, Episode, EpisodeStatus, ExclusionContext, ExclusionOrder, ExclusionWarning,
    OrderStatus, contact_kind_code,
};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::collections::BTreeMap;

/// One warning as a sentence; help not started names the agency that must start it.
pub fn warning_text(warning: &MeasureWarning, agencies: &[Agency], t: Texts, zone: &TimeZone) -> String {
    let at = |ts: &Timestamp| local_time(*ts, zone);
    match warning {
        MeasureWarning::Exclusion { warning, .. } => match warning {
            ExclusionWarning::EndsSoon { ends_at } => t.fill("warning.order_ends", &[("at", &at(ends_at))]),
            ExclusionWarning::ExtensionAdviceDue { due_at } => t.fill("warning.advice_due", &[("at", &at(due_at))]),
            ExclusionWarning::ExtensionAdviceOverdue { due_at } => {
                t.fill("warning.advice_overdue", &[("at", &at(due_at))])
            }
            ExclusionWarning::NoHelpArranged { due_at } => t.fill("warning.no_help", &[("at", &at(due_at))]),
            ExclusionWarning::HelpNotStarted { owner, description, due_at, overdue, .. } => {
                let key = if *overdue { "warning.help_overdue" } else { "warning.help_not_started" };
                let owner = agency_name(agencies, *owner);
                t.fill(key, &[("at", &at(due_at)), ("owner", &owner), ("what", description)])
            }
        },
        MeasureWarning::AreaBan { area, warning: AreaBanWarning::EndsSoon { ends_on, days_left }, .. } => t.fill(
            "warning.ban_ends",
            &[("area", area), ("on", &ends_on.to_string()), ("days", &days_left.to_string())],
        ),
        MeasureWarning::Episode { flags, .. } => {
            let mut parts = Vec::new();
            if let Some(short) = flags.behind_intensity {
                parts.push(t.fill(
                    "warning.episode_behind",
                    &[("actual", &short.actual.to_string()), ("expected", &short.expected.to_string())],
                ));
            }
            if let Some(days) = flags.overrunning_by_days {
                parts.push(t.fill("warning.episode_overrun", &[("days", &days.to_string())]));
            }
            parts.join(" ")
        }
    }
}

/// One line per measure in force, for the plan page.
pub fn in_force_lines(
    measures: &PlanMeasures,
    context: Option<&ExclusionContext<'_>>,
    now: Timestamp,
    today: jiff::civil::Date,
    t: Texts,
) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(context) = context {
        for order in measures.orders.iter().map(|o| &o.value) {
            if order.is_in_force(context, now) {
                let until = local_time(order.ends_at(context), context.time_zone);
                lines.push(t.fill("plan.measure_order", &[("decision", &order.decision_ref), ("until", &until)]));
            }
        }
    }
    for ban in measures.bans.iter().map(|b| &b.value).filter(|b| b.is_in_force(today)) {
        lines.push(t.fill("plan.measure_ban", &[("area", &ban.area), ("until", &ban.ends_on.to_string())]));
    }
    for episode in measures.episodes.iter().map(|e| &e.value).filter(|e| e.status.is_open()) {
        let per_week = episode.contacts_per_week.to_string();
        let until = episode.ends_on().to_string();
        lines.push(t.fill("plan.measure_episode", &[("per_week", &per_week), ("until", &until)]));
    }
    lines
}

pub struct NamedPerson {
    /// The person's number, only when the member's agency may see them: the page links to
    /// them and offers them for help; anyone else on an order is shown without it.
    pub id: Option<String>,
    pub name: String,
}

pub struct HelpRow {
    pub id: String,
    pub for_person: String,
    pub owner: String,
    pub description: String,
    pub started: String,
    /// Owned by the viewer's agency: only the owner marks it started.
    pub ours: bool,
}

pub struct OrderView {
    pub id: String,
    pub role: &'static str,
    pub in_force: bool,
    pub status: String,
    pub decision_ref: String,
    pub address: String,
    pub imposed_at: String,
    pub ends_at: String,
    /// "10 of at most 28 days".
    pub days_text: String,
    pub advice_due_at: String,
    pub help_due_at: String,
    pub advice: String,
    pub extensions: Vec<String>,
    pub excluded: NamedPerson,
    pub victims: Vec<NamedPerson>,
    pub children: Vec<NamedPerson>,
    pub help: Vec<HelpRow>,
    /// The victims' part in the safety plan, for the victims the member's agency may see.
    pub voices: Vec<VoiceRow>,
}

/// One talk with a victim about the safety plan.
pub struct VoiceRow {
    pub victim: String,
    pub wishes: String,
    pub involvement: String,
    /// "Joost Mulder (Slachtofferhulp), 2026-11-20".
    pub spoken: String,
}

fn named(
    id: PersonId,
    page_person: PersonId,
    page_name: &str,
    names: &BTreeMap<PersonId, String>,
    t: Texts,
) -> NamedPerson {
    if id == page_person {
        return NamedPerson { id: Some(id.to_string()), name: page_name.to_string() };
    }
    match names.get(&id) {
        Some(name) => NamedPerson { id: Some(id.to_string()), name: name.clone() },
        None => NamedPerson { id: None, name: t.get("measures.person_not_visible").to_string() },
    }
}

pub struct OrderViewInput<'a> {
    pub person: PersonId,
    pub name: &'a str,
    pub names: &'a BTreeMap<PersonId, String>,
    pub agencies: &'a [Agency],
    pub members: &'a [Member],
    pub context: &'a ExclusionContext<'a>,
    pub now: Timestamp,
    pub t: Texts,
    /// The reader's agency (help it owns can be marked started).
    pub viewer_agency: AgencyId,
}

pub fn order_view(order: &ExclusionOrder, input: &OrderViewInput<'_>) -> OrderView {
    let (t, zone, context) = (input.t, input.context.time_zone, input.context);
    let who = |id| named(id, input.person, input.name, input.names, t);
    let ends_at = order.ends_at(context);
    let in_force = order.is_in_force(context, input.now);
    let status = match &order.status {
        OrderStatus::Lifted { at, reason } => {
            t.fill("order.status.lifted", &[("at", &local_time(*at, zone)), ("reason", reason)])
        }
        _ if in_force => t.get("order.status.in_force").to_string(),
        _ => t.get("order.status.ended").to_string(),
    };
    let me = input.person;
    let role = if order.excluded == me {
        "order.role.excluded"
    } else if order.victims.contains(&me) {
        "order.role.victim"
    } else {
        "order.role.child"
    };
    OrderView {
        id: order.id.to_string(),
        role,
        in_force,
        status,
        decision_ref: order.decision_ref.clone(),
        address: order.address.clone(),
        imposed_at: local_time(order.imposed_at, zone),
        ends_at: local_time(ends_at, zone),
        days_text: t.fill(
            "order.days_of_max",
            &[("days", &order.total_days.to_string()), ("max", &context.rules.max_total_days.to_string())],
        ),
        advice_due_at: local_time(order.advice_due_at(context), zone),
        help_due_at: local_time(order.help_due_at(context), zone),
        advice: order.extension_advice.clone().unwrap_or_default(),
        extensions: order
            .extensions
            .iter()
            .map(|e| {
                let line = t.fill(
                    "order.extension_line",
                    &[
                        ("days", &e.to_total_days.to_string()),
                        ("decision", &e.decision_ref),
                        ("at", &local_time(e.decided_at, zone)),
                    ],
                );
                match &e.without_advice_reason {
                    Some(reason) => {
                        format!("{line} {}", t.fill("order.extended_without_advice", &[("reason", reason)]))
                    }
                    None => line,
                }
            })
            .collect(),
        excluded: who(order.excluded),
        victims: order.victims.iter().map(|v| who(*v)).collect(),
        children: order.children.iter().map(|c| who(*c)).collect(),
        voices: order
            .victim_voices
            .iter()
            .filter_map(|v| {
                let victim = who(v.victim);
                victim.id.as_ref()?;
                let by =
                    format!("{} ({})", member_name(input.members, v.spoken_by), agency_name(input.agencies, v.agency));
                Some(VoiceRow {
                    victim: victim.name,
                    wishes: v.wishes.clone(),
                    involvement: v.involvement.clone(),
                    spoken: format!("{by}, {}", v.spoken_on),
                })
            })
            .collect(),
        help: order
            .help_tasks
            .iter()
            .map(|h| HelpRow {
                id: h.id.to_string(),
                // For whom, in words: "Jan Verhoeven (victim)".
                for_person: {
                    let role = if h.for_person == order.excluded {
                        "order.role.excluded"
                    } else if order.victims.contains(&h.for_person) {
                        "order.role.victim"
                    } else {
                        "order.role.child"
                    };
                    format!("{} ({})", who(h.for_person).name, t.get(role))
                },
                owner: agency_name(input.agencies, h.owner),
                description: h.description.clone(),
                started: h.started_at.map(|at| local_time(at, zone)).unwrap_or_default(),
                ours: h.owner == input.viewer_agency,
            })
            .collect(),
    }
}

pub struct BanView {
    pub id: String,
    pub area: String,
    pub decision_ref: String,
    pub starts_on: String,
    pub ends_on: String,
    pub in_force: bool,
    pub status: String,
    pub extend_label: String,
    pub lift_label: String,
}

pub fn ban_view(ban: &AreaBan, today: jiff::civil::Date, t: Texts) -> BanView {
    let in_force = ban.is_in_force(today);
    let status = match &ban.status {
        AreaBanStatus::Lifted { on, reason } => {
            t.fill("ban.status.lifted", &[("on", &on.to_string()), ("reason", reason)])
        }
        AreaBanStatus::InForce if in_force => t.get("ban.status.in_force").to_string(),
        AreaBanStatus::InForce if today < ban.starts_on => t.get("ban.status.not_started").to_string(),
        AreaBanStatus::InForce => t.get("ban.status.ended").to_string(),
    };
    BanView {
        id: ban.id.to_string(),
        area: ban.area.clone(),
        decision_ref: ban.decision_ref.clone(),
        starts_on: ban.starts_on.to_string(),
        ends_on: ban.ends_on.to_string(),
        in_force: ban.takes_changes(today),
        status,
        extend_label: t.fill("ban.extend", &[("area", &ban.area)]),
        lift_label: t.fill("ban.lift", &[("area", &ban.area)]),
    }
}

pub struct ContactRow {
    pub on: String,
    pub by: String,
    pub kind: String,
    pub note: String,
}

pub struct EpisodeView {
    pub id: String,
    pub open: bool,
    pub status: String,
    pub case_manager: String,
    pub started_on: String,
    pub ends_on: String,
    pub weeks: u8,
    pub contacts_per_week: u8,
    pub contacts: Vec<ContactRow>,
    pub flags: Vec<String>,
    /// "Week 3 of 12: 2 of 4 contacts so far, on track." (open episodes only)
    pub progress: String,
}

pub fn episode_view(
    episode: &Stored<Episode>,
    members: &[Member],
    today: jiff::civil::Date,
    t: Texts,
    zone: &TimeZone,
) -> EpisodeView {
    let e = &episode.value;
    let status = match &e.status {
        EpisodeStatus::Open => t.get("episode.status.open").to_string(),
        EpisodeStatus::Closed { on, reason } => {
            t.fill("episode.status.closed", &[("on", &on.to_string()), ("reason", reason)])
        }
    };
    let flags = e.flags(today);
    let warning = MeasureWarning::Episode { episode: e.id, flags };
    let flag_text = warning_text(&warning, &[], t, zone);
    EpisodeView {
        id: e.id.to_string(),
        open: e.status.is_open(),
        status,
        case_manager: member_name(members, e.case_manager),
        started_on: e.started_on.to_string(),
        ends_on: e.ends_on().to_string(),
        weeks: e.weeks,
        contacts_per_week: e.contacts_per_week,
        contacts: e
            .contacts
            .iter()
            .rev()
            .map(|c| ContactRow {
                on: c.on.to_string(),
                by: member_name(members, c.by),
                kind: t.get(&format!("episode.kind.{}", contact_kind_code(c.kind))).to_string(),
                note: c.note.clone(),
            })
            .collect(),
        flags: if flag_text.is_empty() { Vec::new() } else { vec![flag_text] },
        progress: if e.status.is_open() { progress_text(&e.progress(today), t) } else { String::new() },
    }
}

/// The episode's progress as a plain sentence in the page's language.
pub fn progress_text(progress: &domain::measures::EpisodeProgress, t: Texts) -> String {
    let number = |n: u32| t.number(i64::from(n));
    let (week, weeks) = (number(progress.week), number(u32::from(progress.weeks)));
    let (contacts, expected) = (number(progress.contacts), number(progress.expected));
    let key = match (progress.expected, progress.on_track()) {
        (0, _) => "episode.progress.first_week",
        (_, true) => "episode.progress.on_track",
        (_, false) => "episode.progress.behind",
    };
    t.fill(key, &[("week", &week), ("weeks", &weeks), ("contacts", &contacts), ("expected", &expected)])
}
