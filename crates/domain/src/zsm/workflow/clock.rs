//! A running legal clock on a case as a pure state machine. The rules (lengths, extensions,
//! who may grant them) come from the jurisdiction pack; this module only applies them.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use crate::clock::Clock;
use crate::ids::MemberId;
use crate::jurisdiction::{
    AuthorityRole, CaseFact, ClockCode, ClockSpan, ExtensionCode, ExtensionRule, JurisdictionPack,
};
use crate::zsm::ZsmError;

/// Why a clock stopped before (or after) running out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The suspect was released.
    Released,
    /// The prosecutor decided (the ZSM target clock stops here).
    Decided,
    /// A following measure took over, e.g. *inverzekeringstelling* after *ophouden*.
    Superseded,
}

/// Who granted an extension: the legal role that makes it lawful and the member who acted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grantor {
    pub role: AuthorityRole,
    pub member: MemberId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantedExtension {
    pub extension: ExtensionCode,
    pub by: Grantor,
    pub at: Timestamp,
    pub basis: String,
    pub added: ClockSpan,
    pub new_deadline: Timestamp,
}

/// The state of one clock. `Extended` repeats the latest grant so the board can show it without
/// digging through history; the full history is in [`ClockRun::extensions`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClockStatus {
    Running,
    Extended { by: Grantor, at: Timestamp, basis: String, new_deadline: Timestamp },
    Stopped { reason: StopReason, at: Timestamp },
    Expired { at: Timestamp },
}

/// One clock running on one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockRun {
    pub clock: ClockCode,
    pub started_at: Timestamp,
    /// The total length the clock may run now, including granted extensions.
    pub allowed: ClockSpan,
    pub deadline: Timestamp,
    pub extensions: Vec<GrantedExtension>,
    pub status: ClockStatus,
    /// Who gave the order this clock runs from, and why (clocks that start at an order only).
    #[serde(default)]
    pub order: Option<GivenOrder>,
}

/// The order a clock runs from (e.g. *inverzekeringstelling*, art. 57 Sv): by whom in which
/// legal office, and the recorded grounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GivenOrder {
    pub by: Grantor,
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClockCommand {
    /// Grant an extension. Without `length` the most the rule allows is granted.
    Extend {
        extension: ExtensionCode,
        by: Grantor,
        basis: String,
        length: Option<ClockSpan>,
    },
    Stop {
        reason: StopReason,
    },
    /// Record expiry if the deadline has passed; run by the board or a scheduler, idempotent.
    Tick,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClockEffect {
    Extended {
        clock: ClockCode,
        extension: ExtensionCode,
        by: Grantor,
        new_deadline: Timestamp,
    },
    Stopped {
        clock: ClockCode,
        reason: StopReason,
        at: Timestamp,
    },
    /// The deadline passed while the clock was running: a legal limit was (or is being) exceeded.
    Expired {
        clock: ClockCode,
        deadline: Timestamp,
    },
}

/// How close a running clock is to its deadline, for the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WarningLevel {
    /// Not running, or further away than every threshold.
    None,
    /// Within a threshold. `level` 1 is the mildest (e.g. 2 h), higher is more urgent.
    Near {
        level: u8,
        remaining: SignedDuration,
    },
    Overdue {
        by: SignedDuration,
    },
}

impl ClockRun {
    /// Starts clock `code` of `pack` at `start`; its length follows from the case facts.
    pub fn start(
        pack: &JurisdictionPack,
        code: &ClockCode,
        start: Timestamp,
        facts: &BTreeSet<CaseFact>,
    ) -> Result<Self, ZsmError> {
        let definition = pack.clock(code)?;
        let allowed = definition.base_length(facts);
        Ok(Self {
            clock: code.clone(),
            started_at: start,
            allowed,
            deadline: definition.deadline(start, allowed, &pack.time_zone)?,
            extensions: Vec::new(),
            status: ClockStatus::Running,
            order: None,
        })
    }

    pub fn is_running(&self) -> bool {
        matches!(self.status, ClockStatus::Running | ClockStatus::Extended { .. })
    }

    /// Time left until the deadline; negative once overdue.
    pub fn remaining(&self, now: Timestamp) -> SignedDuration {
        self.deadline.duration_since(now)
    }

    /// When each milestone of the clock falls (e.g. advice on extension by day 8).
    pub fn milestones(&self, pack: &JurisdictionPack) -> Result<Vec<(String, Timestamp)>, ZsmError> {
        pack.clock(&self.clock)?
            .milestones
            .iter()
            .map(|m| {
                crate::jurisdiction::elapsed_deadline(self.started_at, m.after, &pack.time_zone)
                    .map(|at| (m.code.clone(), at))
                    .map_err(ZsmError::from)
            })
            .collect()
    }
}

/// The warning level of `run` at `now`. `thresholds` are most distant first (as the pack
/// returns them from [`JurisdictionPack::thresholds_for`]).
pub fn warning_level(run: &ClockRun, thresholds: &[SignedDuration], now: Timestamp) -> WarningLevel {
    if !run.is_running() && !matches!(run.status, ClockStatus::Expired { .. }) {
        return WarningLevel::None;
    }
    let remaining = run.remaining(now);
    if remaining <= SignedDuration::ZERO {
        return WarningLevel::Overdue { by: -remaining };
    }
    let crossed = thresholds.iter().filter(|t| remaining <= **t).count();
    match u8::try_from(crossed) {
        Ok(0) => WarningLevel::None,
        Ok(level) => WarningLevel::Near { level, remaining },
        Err(_) => WarningLevel::Near { level: u8::MAX, remaining },
    }
}

/// The running clock with the earliest deadline: what the board sorts cases by.
pub fn most_urgent(runs: &[ClockRun]) -> Option<&ClockRun> {
    runs.iter().filter(|run| run.is_running()).min_by_key(|run| run.deadline)
}

/// Applies one command to a clock. Nothing changes when an error is returned.
pub fn apply(
    run: &ClockRun,
    command: ClockCommand,
    pack: &JurisdictionPack,
    clock: &dyn Clock,
) -> Result<(ClockRun, Vec<ClockEffect>), ZsmError> {
    let now = clock.now();
    let expired_effect = || ClockEffect::Expired { clock: run.clock.clone(), deadline: run.deadline };
    match command {
        ClockCommand::Tick => {
            if run.is_running() && now >= run.deadline {
                let mut next = run.clone();
                next.status = ClockStatus::Expired { at: run.deadline };
                Ok((next, vec![expired_effect()]))
            } else {
                Ok((run.clone(), Vec::new()))
            }
        }
        ClockCommand::Stop { reason } => {
            if matches!(run.status, ClockStatus::Stopped { .. }) {
                return Err(ZsmError::ClockNotRunning);
            }
            // A late release is still recorded, together with the overrun it ends.
            let mut effects = Vec::new();
            if run.is_running() && now >= run.deadline {
                effects.push(expired_effect());
            }
            effects.push(ClockEffect::Stopped { clock: run.clock.clone(), reason, at: now });
            let mut next = run.clone();
            next.status = ClockStatus::Stopped { reason, at: now };
            Ok((next, effects))
        }
        ClockCommand::Extend { extension, by, basis, length } => {
            if matches!(run.status, ClockStatus::Expired { .. }) || (run.is_running() && now >= run.deadline) {
                return Err(ZsmError::ClockAlreadyExpired { deadline: run.deadline });
            }
            if !run.is_running() {
                return Err(ZsmError::ClockNotRunning);
            }
            let definition = pack.clock(&run.clock)?;
            let rule = definition.extension(&extension).ok_or_else(|| ZsmError::UnknownExtension {
                clock: run.clock.to_string(),
                extension: extension.to_string(),
            })?;
            check_grant(run, rule, &by, &basis)?;
            let added = extension_length(run, rule, length)?;
            let new_deadline = definition.deadline(run.started_at, run.allowed.plus(added), &pack.time_zone)?;
            Ok(record_extension(
                run,
                GrantedExtension { extension: rule.code.clone(), by, at: now, basis, added, new_deadline },
            ))
        }
    }
}

/// Role, reason, count and order: everything about a grant except its length.
fn check_grant(run: &ClockRun, rule: &ExtensionRule, by: &Grantor, basis: &str) -> Result<(), ZsmError> {
    if !rule.granted_by.contains(&by.role) {
        return Err(ZsmError::ExtensionRoleNotAllowed {
            extension: rule.code.to_string(),
            role: by.role,
            allowed: rule.granted_by.iter().map(|role| role.code()).collect::<Vec<_>>().join(", "),
        });
    }
    if basis.trim().is_empty() {
        return Err(ZsmError::ExtensionBasisMissing);
    }
    let granted = |code: &ExtensionCode| run.extensions.iter().filter(|e| &e.extension == code).count();
    if granted(&rule.code) >= rule.max_times as usize {
        return Err(ZsmError::ExtensionLimitReached { extension: rule.code.to_string(), max_times: rule.max_times });
    }
    if let Some(prior) = &rule.requires_prior
        && granted(prior) == 0
    {
        return Err(ZsmError::ExtensionOutOfOrder { extension: rule.code.to_string(), requires: prior.to_string() });
    }
    Ok(())
}

/// The length to add: as requested, or the most the rule allows; checked against both limits.
fn extension_length(run: &ClockRun, rule: &ExtensionRule, requested: Option<ClockSpan>) -> Result<ClockSpan, ZsmError> {
    let room_to_total = rule.up_to_total.map(|total| span_between(run.allowed, total));
    let added = match requested {
        Some(length) => length,
        None => match (rule.max_add, room_to_total) {
            (Some(max), Some(room)) if room.nominal_hours() < max.nominal_hours() => room,
            (Some(max), _) => max,
            (None, Some(room)) => room,
            (None, None) => ClockSpan::default(),
        },
    };
    if let (Some(total), Some(room)) = (rule.up_to_total, room_to_total)
        && room.is_zero()
    {
        return Err(ZsmError::ExtensionMaximumReached { max_total_hours: total.nominal_hours() });
    }
    if added.is_zero() {
        return Err(ZsmError::EmptyExtension);
    }
    if let Some(max) = rule.max_add
        && added.nominal_hours() > max.nominal_hours()
    {
        return Err(ZsmError::ExtensionTooLong {
            extension: rule.code.to_string(),
            requested_hours: added.nominal_hours(),
            max_hours: max.nominal_hours(),
        });
    }
    if let Some(total) = rule.up_to_total {
        let new_total = run.allowed.plus(added).nominal_hours();
        if new_total > total.nominal_hours() {
            return Err(ZsmError::ExtensionBeyondTotal {
                extension: rule.code.to_string(),
                total_hours: new_total,
                max_total_hours: total.nominal_hours(),
            });
        }
    }
    Ok(added)
}

/// `to - from`, in days when both are whole days (so civil-day clocks stay civil), else hours.
fn span_between(from: ClockSpan, to: ClockSpan) -> ClockSpan {
    if from.hours == 0 && to.hours == 0 {
        ClockSpan::days(to.days.saturating_sub(from.days))
    } else {
        ClockSpan::hours(to.nominal_hours().saturating_sub(from.nominal_hours()))
    }
}

fn record_extension(run: &ClockRun, grant: GrantedExtension) -> (ClockRun, Vec<ClockEffect>) {
    let effect = ClockEffect::Extended {
        clock: run.clock.clone(),
        extension: grant.extension.clone(),
        by: grant.by.clone(),
        new_deadline: grant.new_deadline,
    };
    let mut next = run.clone();
    next.allowed = run.allowed.plus(grant.added);
    next.deadline = grant.new_deadline;
    next.status = ClockStatus::Extended {
        by: grant.by.clone(),
        at: grant.at,
        basis: grant.basis.clone(),
        new_deadline: grant.new_deadline,
    };
    next.extensions.push(grant);
    (next, vec![effect])
}

#[cfg(test)]
#[path = "clock_tests.rs"]
mod tests;
