//! View models for the plan pages: plain strings for the templates, built in one place.

use crate::forms::Posted;
use crate::i18n::Texts;
use crate::lookup::{agency_name, member_name};
use crate::screening::pack_lang as screening_lang;
use domain::access::Restriction;
use domain::directory::{Agency, Member};
use domain::ids::AgencyId;
use domain::jurisdiction::BeyondPack;
use domain::plan::ports::PlanEvent;
use domain::plan::service::{PlanAction, measure_kind_code, outcome_code, plan_status_code, task_status_code};
use domain::plan::{Plan, PlanChange, PlanCommand, PlanCommandKind, PlanStatus, TaskKind, Urgency};

pub fn goal_action(posted: &Posted) -> PlanAction {
    PlanAction::AddGoal {
        domain: posted.get("domain"),
        in_own_words: posted.get("in_own_words"),
        agreed_by_person: posted.checked("agreed_by_person"),
    }
}

pub fn task_action(posted: &Posted) -> PlanAction {
    PlanAction::AddTask {
        description: posted.get("description"),
        kind: posted.get("kind"),
        owner: posted.get("owner"),
        owner_member: posted.get("owner_member"),
        goal: posted.get("goal"),
        due: posted.get("due"),
        restricted_to: posted.all("restricted_to"),
    }
}

pub fn decision_action(posted: &Posted) -> PlanAction {
    match posted.get("decision").as_str() {
        "continue" => PlanAction::Continue { reason: posted.get("reason") },
        "close" => PlanAction::Close {
            outcome: posted.get("outcome"),
            why: posted.get("why"),
            open_measures_reason: posted.get("open_measures_reason"),
        },
        "return" => PlanAction::ReturnToCriminalJustice { reason: posted.get("reason") },
        _ => PlanAction::StartReEvaluation,
    }
}

pub struct GoalRow {
    pub id: String,
    /// The life domain's key (the rewording form starts from it).
    pub domain_key: String,
    pub domain: String,
    pub in_own_words: String,
    pub agreed: bool,
}

pub struct TaskRow {
    pub id: String,
    pub description: String,
    pub kind: &'static str,
    pub owner: String,
    pub member: String,
    pub goal: String,
    pub due: String,
    pub status: &'static str,
    /// The status as shown, sent back with a status change (`Seen`): a change made on a
    /// status someone else changed meanwhile is refused (409) instead of overwriting theirs.
    pub status_code: &'static str,
    pub status_reason: String,
    pub overdue: bool,
    /// The viewer may change the status (their agency owns it, or they manage the plan).
    pub can_update: bool,
    /// The agencies the task is restricted to, by name; empty when the whole team sees it.
    pub restricted_to: String,
    /// The referral made for this task (its id) and its status now, as shown; empty when none.
    pub referral: String,
    pub referral_status: String,
}

pub struct NoteRow {
    pub on: String,
    pub agency: String,
    pub task: String,
    pub text: String,
    pub restricted_to: String,
}

/// "Restricted to agencies X, Y" as names, or empty for the whole team.
pub fn restriction_names(restriction: &Restriction, agencies: &[Agency]) -> String {
    match restriction {
        Restriction::Team => String::new(),
        Restriction::Agencies(allowed) => {
            allowed.iter().map(|a| agency_name(agencies, *a)).collect::<Vec<_>>().join(", ")
        }
    }
}

pub struct MeasureRow {
    pub id: String,
    pub kind: String,
    pub description: String,
    pub open: bool,
}

pub struct EventRow {
    pub on: String,
    pub agency: String,
    pub kind: String,
}

/// The plan, ready for the plan page and the printable version.
pub struct PlanView {
    pub status: &'static str,
    /// The status as shown, sent back with a decision on the plan (`Seen`).
    pub status_code: &'static str,
    pub status_detail: String,
    pub started_on: String,
    pub activated_on: String,
    pub re_evaluation_on: String,
    pub goals: Vec<GoalRow>,
    pub tasks: Vec<TaskRow>,
    pub notes: Vec<NoteRow>,
    pub measures: Vec<MeasureRow>,
    /// Which status changes the plan takes now, from the plan's state table in the domain.
    pub can_activate: bool,
    pub can_start_re_evaluation: bool,
    /// Continue or close: the outcome of a re-evaluation.
    pub can_conclude_re_evaluation: bool,
    pub can_return: bool,
    pub ended: bool,
    /// The weekly review can be recorded (a running plan), with its outcomes as (code, label).
    pub can_record_review: bool,
    pub review_outcomes: Vec<(&'static str, &'static str)>,
    /// "Last weekly review: <date>, <outcome> (<agency>)" and its note, or empty.
    pub last_review: String,
    pub last_review_note: String,
}

pub fn domain_label(pack: &BeyondPack, key: &str, t: Texts) -> String {
    pack.screening.domain(key).map(|d| d.label.get(screening_lang(t)).to_string()).unwrap_or_else(|| key.to_string())
}

pub fn task_kind_key(kind: TaskKind) -> &'static str {
    match kind {
        TaskKind::Care => "plan.kind.care",
        TaskKind::Enforcement => "plan.kind.enforcement",
    }
}

pub fn task_status_key(code: &str) -> &'static str {
    match code {
        "open" => "plan.task_status.open",
        "in_progress" => "plan.task_status.in_progress",
        "done" => "plan.task_status.done",
        _ => "plan.task_status.cancelled",
    }
}

pub fn plan_status_key(status: &PlanStatus) -> &'static str {
    match plan_status_code(status) {
        "draft" => "plan.status.draft",
        "active" => "plan.status.active",
        "under_re_evaluation" => "plan.status.under_re_evaluation",
        "continued" => "plan.status.continued",
        "closed" => "plan.status.closed",
        _ => "plan.status.returned",
    }
}

pub fn event_key(kind: &str) -> &'static str {
    match kind {
        "drafted" => "plan.event.drafted",
        "add_goal" | "record_goal_agreement" => "plan.event.goal",
        "revise_goal" => "plan.event.goal_revised",
        "withdraw_goal" => "plan.event.goal_withdrawn",
        "add_task" => "plan.event.task",
        "change_task_status" => "plan.event.task_status",
        "add_note" => "plan.event.note",
        "link_measure" | "end_measure" => "plan.event.measure",
        "activate" => "plan.event.activated",
        "start_re_evaluation" => "plan.event.re_evaluation",
        "continue" => "plan.event.continued",
        "close" => "plan.event.closed",
        "return_to_criminal_justice" => "plan.event.returned",
        "record_review" => "plan.event.reviewed",
        _ => "plan.event.other",
    }
}

pub fn urgency_text(urgency: Urgency, t: Texts) -> (bool, String) {
    match urgency {
        // "1 day overdue", not "1 days" (the demo's tasks are now a day or a few late).
        Urgency::Overdue { days_late } => {
            let key = if days_late == 1 { "tasks.overdue_one" } else { "tasks.overdue" };
            (true, t.fill(key, &[("days", &days_late.to_string())]))
        }
        Urgency::DueSoon { days_left } => {
            let key = if days_left == 1 { "tasks.due_soon_one" } else { "tasks.due_soon" };
            (false, t.fill(key, &[("days", &days_left.to_string())]))
        }
        Urgency::Later => (false, String::new()),
    }
}

#[allow(clippy::too_many_arguments, reason = "one argument per part of the page; a struct would only rename them")]
pub fn plan_view(
    plan: &Plan,
    pack: &BeyondPack,
    agencies: &[Agency],
    members: &[Member],
    viewer_agency: AgencyId,
    manages: bool,
    today: jiff::civil::Date,
    t: Texts,
) -> PlanView {
    let goal_text = |id: Option<domain::ids::GoalId>| {
        id.and_then(|g| plan.goals.iter().find(|goal| goal.id == g)).map(|g| g.in_own_words.clone()).unwrap_or_default()
    };
    let status_detail = match &plan.status {
        PlanStatus::Continued { reason } | PlanStatus::ReturnedToCriminalJustice { reason } => reason.clone(),
        PlanStatus::Closed { outcome, why, open_measures_reason } => {
            let mut text = format!("{}: {why}", t.get(outcome_key(outcome_code(*outcome))));
            if let Some(reason) = open_measures_reason {
                text.push_str(&format!(" ({reason})"));
            }
            text
        }
        _ => String::new(),
    };
    PlanView {
        status: plan_status_key(&plan.status),
        status_code: plan_status_code(&plan.status),
        status_detail,
        started_on: plan.started_on.to_string(),
        activated_on: plan.activated_on.map(|d| d.to_string()).unwrap_or_default(),
        re_evaluation_on: plan.re_evaluation_on.map(|d| d.to_string()).unwrap_or_default(),
        goals: plan
            .goals
            .iter()
            .map(|g| GoalRow {
                id: g.id.to_string(),
                domain_key: g.domain.to_string(),
                domain: domain_label(pack, g.domain.as_str(), t),
                in_own_words: g.in_own_words.clone(),
                agreed: g.agreed_by_person,
            })
            .collect(),
        tasks: plan
            .tasks
            .iter()
            .map(|task| TaskRow {
                id: task.id.to_string(),
                description: task.description.clone(),
                kind: task_kind_key(task.kind),
                owner: agency_name(agencies, task.owner),
                member: task.owner_member.map(|m| member_name(members, m)).unwrap_or_default(),
                goal: goal_text(task.goal),
                due: task.due.to_string(),
                status: task_status_key(task_status_code(&task.status)),
                status_code: task_status_code(&task.status),
                status_reason: match &task.status {
                    domain::plan::TaskStatus::Cancelled { reason } => reason.clone(),
                    _ => String::new(),
                },
                overdue: task.is_overdue(today),
                can_update: task.status.is_outstanding() && (manages || task.owner == viewer_agency),
                restricted_to: restriction_names(&task.restriction, agencies),
                referral: String::new(),
                referral_status: String::new(),
            })
            .collect(),
        notes: plan
            .notes
            .iter()
            .rev()
            .map(|n| NoteRow {
                on: n.on.to_string(),
                agency: agency_name(agencies, n.agency),
                task: n.task.and_then(|id| plan.task(id)).map(|task| task.description.clone()).unwrap_or_default(),
                text: n.text.clone(),
                restricted_to: restriction_names(&n.restriction, agencies),
            })
            .collect(),
        measures: plan
            .measures
            .iter()
            .map(|m| MeasureRow {
                id: m.obligation.to_string(),
                kind: format!("plan.measure.{}", measure_kind_code(m.kind)),
                description: m.description.clone(),
                open: m.open,
            })
            .collect(),
        can_activate: plan.status.allows(PlanCommandKind::Activate),
        can_start_re_evaluation: plan.status.allows(PlanCommandKind::StartReEvaluation),
        can_conclude_re_evaluation: plan.status.allows(PlanCommandKind::Continue),
        can_return: plan.status.allows(PlanCommandKind::ReturnToCriminalJustice),
        ended: plan.status.has_ended(),
        can_record_review: plan.status.allows(PlanCommandKind::RecordReview),
        review_outcomes: domain::plan::ReviewOutcome::ALL
            .iter()
            .map(|o| (o.code(), t.text(&review_outcome_key(*o))))
            .collect(),
        last_review: plan.last_review.as_ref().map(|r| last_review_text(r, agencies, t)).unwrap_or_default(),
        last_review_note: plan.last_review.as_ref().map(|r| r.note.clone()).unwrap_or_default(),
    }
}

pub fn review_outcome_key(outcome: domain::plan::ReviewOutcome) -> String {
    format!("plan.review.outcome.{}", outcome.code())
}

/// "Last weekly review: 2026-12-03, on track (Zorg- en Veiligheidshuis …)".
pub fn last_review_text(review: &domain::plan::Review, agencies: &[Agency], t: Texts) -> String {
    t.fill(
        "plan.review.last",
        &[
            ("date", &review.on.to_string()),
            ("outcome", t.text(&review_outcome_key(review.outcome))),
            ("agency", &agency_name(agencies, review.agency)),
        ],
    )
}

pub fn outcome_key(code: &str) -> &'static str {
    match code {
        "goals_met" => "plan.outcome.goals_met",
        "goals_partly_met" => "plan.outcome.goals_partly_met",
        _ => "plan.outcome.goals_not_met",
    }
}

pub fn event_rows(history: &[PlanEvent], agencies: &[Agency], t: Texts) -> Vec<EventRow> {
    history
        .iter()
        .rev()
        .map(|e| EventRow {
            on: e.on.to_string(),
            agency: agency_name(agencies, e.agency),
            kind: match &e.command {
                Some(PlanCommand::ChangeTaskStatus { by_referral: Some(_), .. }) => {
                    t.get("plan.event.task_done_by_referral").into()
                }
                _ => t.get(event_key(e.kind)).into(),
            },
        })
        .collect()
}

/// What changed on a plan this week, one short line per kind of change.
pub fn change_lines(changes: &[PlanChange], t: Texts) -> Vec<String> {
    let count = |wanted: fn(&PlanChange) -> usize| changes.iter().map(wanted).sum::<usize>();
    let status = count(|c| usize::from(matches!(c, PlanChange::StatusChanged { .. })));
    let agencies = count(|c| usize::from(matches!(c, PlanChange::AgencyJoined(_))));
    let goals = count(|c| {
        usize::from(matches!(
            c,
            PlanChange::GoalAdded(_)
                | PlanChange::GoalAgreementChanged { .. }
                | PlanChange::GoalRevised(_)
                | PlanChange::GoalWithdrawn(_)
        ))
    });
    let tasks = count(|c| usize::from(matches!(c, PlanChange::TaskAdded(_))));
    let statuses = count(|c| usize::from(matches!(c, PlanChange::TaskStatusChanged { .. })));
    let notes = count(|c| if let PlanChange::NotesAdded(n) = c { *n } else { 0 });
    let measures = count(|c| usize::from(matches!(c, PlanChange::MeasureLinked(_) | PlanChange::MeasureEnded(_))));
    let mut lines = Vec::new();
    let mut add = |n: usize, line: String| {
        if n > 0 {
            lines.push(line);
        }
    };
    add(status, t.get("review.change.status").to_string());
    add(agencies, t.fill("review.change.agencies", &[("count", &agencies.to_string())]));
    add(goals, t.fill("review.change.goals", &[("count", &goals.to_string())]));
    add(tasks, t.fill("review.change.tasks", &[("count", &tasks.to_string())]));
    add(statuses, t.fill("review.change.task_status", &[("count", &statuses.to_string())]));
    add(notes, t.fill("review.change.notes", &[("count", &notes.to_string())]));
    add(measures, t.fill("review.change.measures", &[("count", &measures.to_string())]));
    lines
}
