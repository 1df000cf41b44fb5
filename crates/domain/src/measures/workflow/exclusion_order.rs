//! The temporary exclusion order: imposed for the pack's initial period, extendable by decision
//! up to the legal maximum, counted in local calendar days from the moment of imposition.

use crate::ids::{AgencyId, ExclusionOrderId, MemberId, PersonId, TaskId};
use crate::jurisdiction::ExclusionOrderRules;
use crate::measures::ExclusionError;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

/// The pack figures and the time zone the order's clock runs in.
#[derive(Debug, Clone, Copy)]
pub struct ExclusionContext<'a> {
    pub rules: &'a ExclusionOrderRules,
    pub time_zone: &'a TimeZone,
}

impl ExclusionContext<'_> {
    /// `days` local calendar days after `from`, at the same wall-clock time (DST-safe).
    fn days_after(&self, from: Timestamp, days: u16) -> Timestamp {
        from.to_zoned(self.time_zone.clone())
            .checked_add(i64::from(days).days())
            .expect("order dates are far from the calendar's limits")
            .timestamp()
    }

    /// `days` local calendar days before `to`.
    fn days_before(&self, to: Timestamp, days: u16) -> Timestamp {
        to.to_zoned(self.time_zone.clone())
            .checked_sub(i64::from(days).days())
            .expect("order dates are far from the calendar's limits")
            .timestamp()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewExclusionOrder {
    pub id: ExclusionOrderId,
    pub excluded: PersonId,
    pub victims: Vec<PersonId>,
    pub children: Vec<PersonId>,
    pub address: String,
    pub decision_ref: String,
    pub imposed_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub decided_at: Timestamp,
    pub decision_ref: String,
    pub to_total_days: u16,
    /// Why the mayor extended without the advice on extension recorded (none when it was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub without_advice_reason: Option<String>,
}

/// Help for the excluded person, a victim or a child, which must start within the pack's days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpTask {
    pub id: TaskId,
    pub for_person: PersonId,
    pub owner: AgencyId,
    pub description: String,
    pub started_at: Option<Timestamp>,
}

/// The victim's part in the safety plan: what they wish, how they are involved, who spoke with
/// them and when. Shown only to agencies that may see the victim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimVoice {
    pub victim: PersonId,
    pub wishes: String,
    pub involvement: String,
    pub spoken_by: MemberId,
    pub agency: AgencyId,
    pub spoken_on: jiff::civil::Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderStatus {
    InForce,
    Lifted { at: Timestamp, reason: String },
    Expired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExclusionOrder {
    pub id: ExclusionOrderId,
    pub excluded: PersonId,
    pub victims: Vec<PersonId>,
    pub children: Vec<PersonId>,
    pub address: String,
    pub decision_ref: String,
    pub imposed_at: Timestamp,
    /// Current length in days, counted from imposition; never above the legal maximum.
    pub total_days: u16,
    pub extension_advice: Option<String>,
    pub extensions: Vec<Extension>,
    pub help_tasks: Vec<HelpTask>,
    pub status: OrderStatus,
    /// The victims' part in the safety plan, newest last (several talks are kept).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub victim_voices: Vec<VictimVoice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderCommand {
    AddHelpTask {
        task: TaskId,
        for_person: PersonId,
        owner: AgencyId,
        description: String,
    },
    RecordHelpStarted {
        task: TaskId,
    },
    RecordExtensionAdvice {
        advice: String,
    },
    Extend {
        to_total_days: u16,
        decision_ref: String,
        /// Needed when no advice on extension is recorded: why the mayor decides without it.
        without_advice_reason: String,
    },
    Lift {
        reason: String,
    },
    /// Marks the order as run out; only at or after its end.
    Expire,
    /// Records the victim's part in the safety plan.
    RecordVictimVoice {
        voice: VictimVoice,
    },
}

/// What an order's change means for the partners. Its clock needs no effect: the warnings
/// (ending soon, advice or help due) are read from the order's dates whenever it is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExclusionEffect {
    HelpTaskAssigned { order: ExclusionOrderId, task: TaskId, owner: AgencyId },
    NotifyEnded { order: ExclusionOrderId, excluded: PersonId, victims: Vec<PersonId> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExclusionWarning {
    EndsSoon {
        ends_at: Timestamp,
    },
    ExtensionAdviceDue {
        due_at: Timestamp,
    },
    ExtensionAdviceOverdue {
        due_at: Timestamp,
    },
    NoHelpArranged {
        due_at: Timestamp,
    },
    /// A help task not yet marked started: whose it is (the agency that must start it) and
    /// what, so the warning names who to chase.
    HelpNotStarted {
        task: TaskId,
        owner: AgencyId,
        description: String,
        due_at: Timestamp,
        overdue: bool,
    },
}

type Applied = Result<(ExclusionOrder, Vec<ExclusionEffect>), ExclusionError>;

impl ExclusionOrder {
    pub fn impose(new: NewExclusionOrder, context: &ExclusionContext<'_>) -> Applied {
        if new.victims.is_empty() {
            return Err(ExclusionError::NoVictims);
        }
        if new.victims.contains(&new.excluded) || new.children.contains(&new.excluded) {
            return Err(ExclusionError::ExcludedPersonProtected);
        }
        if new.address.trim().is_empty() {
            return Err(ExclusionError::MissingAddress);
        }
        if new.decision_ref.trim().is_empty() {
            return Err(ExclusionError::MissingDecision);
        }
        let order = ExclusionOrder {
            id: new.id,
            excluded: new.excluded,
            victims: new.victims,
            children: new.children,
            address: new.address.trim().to_owned(),
            decision_ref: new.decision_ref.trim().to_owned(),
            imposed_at: new.imposed_at,
            total_days: context.rules.initial_days,
            extension_advice: None,
            extensions: Vec::new(),
            help_tasks: Vec::new(),
            status: OrderStatus::InForce,
            victim_voices: Vec::new(),
        };
        Ok((order, Vec::new()))
    }

    pub fn ends_at(&self, context: &ExclusionContext<'_>) -> Timestamp {
        context.days_after(self.imposed_at, self.total_days)
    }

    /// The advice on extension is due on the pack's day (NL: day 8), counted like the order.
    pub fn advice_due_at(&self, context: &ExclusionContext<'_>) -> Timestamp {
        context.days_after(self.imposed_at, context.rules.extension_advice_day)
    }

    pub fn help_due_at(&self, context: &ExclusionContext<'_>) -> Timestamp {
        context.days_after(self.imposed_at, context.rules.help_must_start_within_days)
    }

    /// Whether `new` repeats this order while it is in force: the same person excluded from
    /// the same address (a second decision would run a second clock on one exclusion).
    pub fn repeated_by(&self, new: &NewExclusionOrder, context: &ExclusionContext<'_>, now: Timestamp) -> bool {
        let same_address = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
        self.is_in_force(context, now) && self.excluded == new.excluded && same_address(&self.address, &new.address)
    }

    fn protects(&self, person: PersonId) -> bool {
        person == self.excluded || self.victims.contains(&person) || self.children.contains(&person)
    }

    /// In force at `now`: neither lifted nor expired, and its time not yet up (an order whose
    /// time is up is marked expired afterwards).
    pub fn is_in_force(&self, context: &ExclusionContext<'_>, now: Timestamp) -> bool {
        self.status == OrderStatus::InForce && now < self.ends_at(context)
    }

    pub fn apply(mut self, command: OrderCommand, context: &ExclusionContext<'_>, now: Timestamp) -> Applied {
        if self.status != OrderStatus::InForce {
            return Err(ExclusionError::NotInForce);
        }
        let ends_at = self.ends_at(context);
        let mut effects = Vec::new();
        match command {
            OrderCommand::AddHelpTask { task, for_person, owner, description } => {
                if !self.protects(for_person) {
                    return Err(ExclusionError::HelpForSomeoneElse(for_person));
                }
                if description.trim().is_empty() {
                    return Err(ExclusionError::EmptyHelpDescription);
                }
                let description = description.trim().to_owned();
                self.help_tasks.push(HelpTask { id: task, for_person, owner, description, started_at: None });
                effects.push(ExclusionEffect::HelpTaskAssigned { order: self.id, task, owner });
            }
            OrderCommand::RecordHelpStarted { task } => {
                let found =
                    self.help_tasks.iter_mut().find(|t| t.id == task).ok_or(ExclusionError::UnknownHelpTask(task))?;
                found.started_at.get_or_insert(now);
            }
            OrderCommand::RecordExtensionAdvice { advice } => {
                if advice.trim().is_empty() {
                    return Err(ExclusionError::EmptyAdvice);
                }
                self.extension_advice = Some(advice.trim().to_owned());
            }
            OrderCommand::Extend { to_total_days, decision_ref, without_advice_reason } => {
                if now >= ends_at {
                    return Err(ExclusionError::OrderEnded { ended_at: ends_at });
                }
                if to_total_days > context.rules.max_total_days {
                    return Err(ExclusionError::ExtensionBeyondMaximum {
                        requested: to_total_days,
                        maximum: context.rules.max_total_days,
                        statute: context.rules.statute.clone(),
                    });
                }
                if to_total_days <= self.total_days {
                    return Err(ExclusionError::ExtensionNotLonger {
                        current: self.total_days,
                        requested: to_total_days,
                    });
                }
                if decision_ref.trim().is_empty() {
                    return Err(ExclusionError::MissingDecision);
                }
                let without_advice = without_advice_reason.trim();
                if self.extension_advice.is_none() && without_advice.is_empty() {
                    return Err(ExclusionError::ExtensionWithoutAdvice);
                }
                self.total_days = to_total_days;
                let decision_ref = decision_ref.trim().to_owned();
                let without_advice_reason = (self.extension_advice.is_none()).then(|| without_advice.to_owned());
                self.extensions.push(Extension { decided_at: now, decision_ref, to_total_days, without_advice_reason });
            }
            OrderCommand::Lift { reason } => {
                if reason.trim().is_empty() {
                    return Err(ExclusionError::LiftNeedsReason);
                }
                self.status = OrderStatus::Lifted { at: now, reason: reason.trim().to_owned() };
                effects.push(self.ended_effect());
            }
            OrderCommand::RecordVictimVoice { voice } => {
                if !self.victims.contains(&voice.victim) {
                    return Err(ExclusionError::VoiceOfSomeoneElse);
                }
                if voice.wishes.trim().is_empty() {
                    return Err(ExclusionError::VoiceWithoutWishes);
                }
                if voice.spoken_on > now.to_zoned(context.time_zone.clone()).date() {
                    return Err(ExclusionError::VoiceInTheFuture);
                }
                let voice = VictimVoice {
                    wishes: voice.wishes.trim().to_owned(),
                    involvement: voice.involvement.trim().to_owned(),
                    ..voice
                };
                self.victim_voices.push(voice);
            }
            OrderCommand::Expire => {
                if now < ends_at {
                    return Err(ExclusionError::NotYetExpired { ends_at });
                }
                self.status = OrderStatus::Expired;
                effects.push(self.ended_effect());
            }
        }
        Ok((self, effects))
    }

    fn ended_effect(&self) -> ExclusionEffect {
        ExclusionEffect::NotifyEnded { order: self.id, excluded: self.excluded, victims: self.victims.clone() }
    }

    /// Warnings for the person's plan and the process manager's dashboard at `now`.
    pub fn warnings(&self, context: &ExclusionContext<'_>, now: Timestamp) -> Vec<ExclusionWarning> {
        let ends_at = self.ends_at(context);
        if self.status != OrderStatus::InForce || now >= ends_at {
            return Vec::new();
        }
        let mut warnings = Vec::new();
        if now >= context.days_before(ends_at, context.rules.warn_days_before_expiry) {
            warnings.push(ExclusionWarning::EndsSoon { ends_at });
        }
        let advice_due = self.advice_due_at(context);
        if self.extension_advice.is_none() && self.extensions.is_empty() {
            if now > advice_due {
                warnings.push(ExclusionWarning::ExtensionAdviceOverdue { due_at: advice_due });
            } else if now >= context.days_before(advice_due, 1) {
                warnings.push(ExclusionWarning::ExtensionAdviceDue { due_at: advice_due });
            }
        }
        let help_due = self.help_due_at(context);
        if self.help_tasks.is_empty() {
            warnings.push(ExclusionWarning::NoHelpArranged { due_at: help_due });
        }
        warnings.extend(self.help_tasks.iter().filter(|t| t.started_at.is_none()).map(|t| {
            ExclusionWarning::HelpNotStarted {
                task: t.id,
                owner: t.owner,
                description: t.description.clone(),
                due_at: help_due,
                overdue: now > help_due,
            }
        }));
        warnings
    }
}

#[cfg(test)]
#[path = "exclusion_order_tests.rs"]
mod tests;
