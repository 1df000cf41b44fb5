//! An area ban: a person may not enter an area for a set period; warns before it ends.

use crate::ids::{AreaBanId, PersonId};
use crate::jurisdiction::AreaBanRules;
use crate::measures::ExclusionError;
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAreaBan {
    pub id: AreaBanId,
    pub person: PersonId,
    pub area: String,
    pub decision_ref: String,
    pub starts_on: Date,
    /// The last day the ban applies.
    pub ends_on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AreaBanStatus {
    InForce,
    Lifted { on: Date, reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaBan {
    pub id: AreaBanId,
    pub person: PersonId,
    pub area: String,
    pub decision_ref: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub status: AreaBanStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AreaBanCommand {
    ExtendTo { ends_on: Date, decision_ref: String },
    Lift { reason: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AreaBanWarning {
    EndsSoon { ends_on: Date, days_left: i32 },
}

impl AreaBan {
    pub fn impose(new: NewAreaBan) -> Result<Self, ExclusionError> {
        if new.area.trim().is_empty() {
            return Err(ExclusionError::MissingArea);
        }
        if new.decision_ref.trim().is_empty() {
            return Err(ExclusionError::MissingDecision);
        }
        if new.ends_on < new.starts_on {
            return Err(ExclusionError::BanEndsBeforeStart { starts_on: new.starts_on, ends_on: new.ends_on });
        }
        Ok(Self {
            id: new.id,
            person: new.person,
            area: new.area.trim().to_owned(),
            decision_ref: new.decision_ref.trim().to_owned(),
            starts_on: new.starts_on,
            ends_on: new.ends_on,
            status: AreaBanStatus::InForce,
        })
    }

    /// Whether `new` repeats this ban: the same area for the same person while this one still
    /// runs, over days that overlap.
    pub fn repeated_by(&self, new: &NewAreaBan, today: Date) -> bool {
        self.takes_changes(today)
            && self.person == new.person
            && self.area.trim().to_lowercase() == new.area.trim().to_lowercase()
            && new.starts_on <= self.ends_on
            && self.starts_on <= new.ends_on
    }

    pub fn is_in_force(&self, today: Date) -> bool {
        self.status == AreaBanStatus::InForce && self.starts_on <= today && today <= self.ends_on
    }

    /// Whether the ban can still be extended or lifted: not lifted and not past its end (a ban
    /// that has not started yet can).
    pub fn takes_changes(&self, today: Date) -> bool {
        self.status == AreaBanStatus::InForce && today <= self.ends_on
    }

    pub fn apply(mut self, command: AreaBanCommand, today: Date) -> Result<Self, ExclusionError> {
        if !self.takes_changes(today) {
            return Err(ExclusionError::NotInForce);
        }
        match command {
            AreaBanCommand::ExtendTo { ends_on, decision_ref } => {
                if ends_on <= self.ends_on {
                    return Err(ExclusionError::BanNotLonger { current: self.ends_on });
                }
                if decision_ref.trim().is_empty() {
                    return Err(ExclusionError::MissingDecision);
                }
                self.ends_on = ends_on;
                self.decision_ref = decision_ref.trim().to_owned();
            }
            AreaBanCommand::Lift { reason } => {
                if reason.trim().is_empty() {
                    return Err(ExclusionError::LiftNeedsReason);
                }
                self.status = AreaBanStatus::Lifted { on: today, reason: reason.trim().to_owned() };
            }
        }
        Ok(self)
    }

    pub fn warning(&self, today: Date, rules: &AreaBanRules) -> Option<AreaBanWarning> {
        let warn_from = self
            .ends_on
            .checked_sub(i64::from(rules.warn_days_before_expiry).days())
            .expect("dates are far from the calendar's limits");
        let days_left = today.until(self.ends_on).expect("dates are far from the calendar's limits").get_days();
        (self.is_in_force(today) && today >= warn_from)
            .then_some(AreaBanWarning::EndsSoon { ends_on: self.ends_on, days_left })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jurisdiction::BeyondPack;
    use jiff::civil::date;
    use uuid::Uuid;

    fn new_ban() -> NewAreaBan {
        NewAreaBan {
            id: AreaBanId(Uuid::from_u128(1)),
            person: PersonId(Uuid::from_u128(2)),
            area: "city centre (map 3)".into(),
            decision_ref: "GB-2026-031".into(),
            starts_on: date(2026, 3, 2),
            ends_on: date(2026, 5, 31),
        }
    }

    #[test]
    fn imposing_checks_area_decision_and_period() {
        assert!(AreaBan::impose(new_ban()).unwrap().is_in_force(date(2026, 3, 2)));
        assert_eq!(
            AreaBan::impose(NewAreaBan { area: " ".into(), ..new_ban() }).unwrap_err(),
            ExclusionError::MissingArea
        );
        assert_eq!(
            AreaBan::impose(NewAreaBan { decision_ref: "".into(), ..new_ban() }).unwrap_err(),
            ExclusionError::MissingDecision
        );
        assert_eq!(
            AreaBan::impose(NewAreaBan { ends_on: date(2026, 3, 1), ..new_ban() }).unwrap_err(),
            ExclusionError::BanEndsBeforeStart { starts_on: date(2026, 3, 2), ends_on: date(2026, 3, 1) }
        );
    }

    #[test]
    fn the_ban_warns_in_its_last_week_and_not_after() {
        let rules = BeyondPack::nl().area_ban.unwrap();
        let ban = AreaBan::impose(new_ban()).unwrap();
        assert_eq!(ban.warning(date(2026, 5, 23), &rules), None);
        assert_eq!(
            ban.warning(date(2026, 5, 24), &rules),
            Some(AreaBanWarning::EndsSoon { ends_on: date(2026, 5, 31), days_left: 7 })
        );
        assert_eq!(ban.warning(date(2026, 6, 1), &rules), None);
        assert!(!ban.is_in_force(date(2026, 6, 1)));
    }

    #[test]
    fn extending_and_lifting() {
        let today = date(2026, 5, 25);
        let ban = AreaBan::impose(new_ban()).unwrap();
        let extend = |ends_on, decision: &str| AreaBanCommand::ExtendTo { ends_on, decision_ref: decision.into() };
        assert_eq!(
            ban.clone().apply(extend(date(2026, 5, 31), "GB-2"), today).unwrap_err(),
            ExclusionError::BanNotLonger { current: date(2026, 5, 31) }
        );
        assert_eq!(
            ban.clone().apply(extend(date(2026, 8, 31), " "), today).unwrap_err(),
            ExclusionError::MissingDecision
        );
        let extended = ban.clone().apply(extend(date(2026, 8, 31), "GB-2"), today).unwrap();
        assert_eq!((extended.ends_on, extended.decision_ref.as_str()), (date(2026, 8, 31), "GB-2"));
        assert_eq!(
            ban.clone().apply(AreaBanCommand::Lift { reason: "".into() }, today).unwrap_err(),
            ExclusionError::LiftNeedsReason
        );
        let lifted = ban.clone().apply(AreaBanCommand::Lift { reason: "moved away".into() }, today).unwrap();
        assert!(!lifted.is_in_force(today));
        assert_eq!(lifted.apply(extend(date(2026, 9, 1), "x"), today).unwrap_err(), ExclusionError::NotInForce);
        assert_eq!(ban.apply(extend(date(2026, 9, 1), "x"), date(2026, 6, 1)).unwrap_err(), ExclusionError::NotInForce);
    }
}
