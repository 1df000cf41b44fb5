//! The mentor coordinator's keeping of the agency's mentors: their profiles (lived experience
//! as yes/no only, vetting with its expiry, training, languages, area, availability, how many
//! mentees at once) and the 24-hour helpline roster (who is on call when, on which number).

use super::Mentoring;
use crate::access::{Actor, Role};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::directory::DirectoryStore;
use crate::ids::MemberId;
use crate::mentoring::model::{MentorProfile, Shift, TEXT_MAX};
use crate::mentoring::ports::{LifeChangeStore, MentoringStore};
use crate::people::ports::PeopleStore;
use crate::service::ServiceResult;
use crate::validation::{FieldError, ValidationErrors, optional_text, parse_date, required_text};
use uuid::Uuid;

/// A profile as typed in.
#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    pub member: String,
    pub lived_experience: bool,
    pub vetted_on: String,
    pub vetting_expires: String,
    pub training_completed: String,
    /// Comma- or space-separated language codes.
    pub languages: String,
    pub area: String,
    pub availability: String,
    pub capacity: String,
    pub gender: String,
}

/// A helpline shift as typed in: empty `id` adds one, an id changes that shift.
#[derive(Debug, Clone, Default)]
pub struct ShiftInput {
    pub id: String,
    pub member: String,
    /// Local date and time (`2026-11-22T20:00`) in the deployment's time zone.
    pub starts_at: String,
    pub ends_at: String,
    pub phone: String,
}

/// The agency's mentors: their profiles and the mentor members without one yet.
#[derive(Debug, Clone, Default)]
pub struct MentorRoll {
    pub profiles: Vec<MentorProfile>,
    pub members: Vec<(MemberId, String)>,
}

impl<S: MentoringStore + LifeChangeStore + PeopleStore + AuditLog + DirectoryStore> Mentoring<'_, S> {
    /// The coordinator's roll of mentors.
    pub async fn mentor_roll(&self, actor: &Actor) -> ServiceResult<MentorRoll> {
        self.coordinator(actor, "mentoring: profiles").await?;
        let profiles: Vec<MentorProfile> =
            self.store.profiles().await?.into_iter().filter(|p| p.agency == actor.agency_id).collect();
        let members = self
            .store
            .members()
            .await?
            .into_iter()
            .filter(|m| m.agency_id == actor.agency_id && m.roles.contains(&Role::Mentor) && !m.disabled)
            .map(|m| (m.id, m.display_name))
            .collect();
        Ok(MentorRoll { profiles, members })
    }

    /// Creates or changes a mentor's profile from the coordinator's form.
    pub async fn keep_profile(&self, actor: &Actor, input: &ProfileInput) -> ServiceResult<MentorProfile> {
        let roll = self.mentor_roll(actor).await?;
        let mut errors = ValidationErrors::default();
        let member =
            MemberId::parse(input.member.trim()).ok().and_then(|id| roll.members.iter().find(|(m, _)| *m == id));
        if member.is_none() {
            errors.push(FieldError::new("member", "error.mentoring.not_a_mentor"));
        }
        let vetted_on = parse_date("vetted_on", &input.vetted_on).map_err(|e| errors.push(e)).ok();
        let expires = parse_date("vetting_expires", &input.vetting_expires).map_err(|e| errors.push(e)).ok();
        let training = if input.training_completed.trim().is_empty() {
            None
        } else {
            parse_date("training_completed", &input.training_completed).map_err(|e| errors.push(e)).ok()
        };
        if let (Some(from), Some(to)) = (vetted_on, expires)
            && to < from
        {
            errors.push(FieldError::new("vetting_expires", "error.mentoring.vetting_order"));
        }
        let languages: Vec<String> =
            input.languages.split([',', ' ']).map(str::trim).filter(|l| !l.is_empty()).map(str::to_lowercase).collect();
        if languages.is_empty() || languages.iter().any(|l| l.chars().count() > 8) || languages.len() > 10 {
            errors.push(FieldError::new("languages", "error.mentoring.languages"));
        }
        let area = required_text(&mut errors, "area", &input.area, TEXT_MAX);
        let availability = required_text(&mut errors, "availability", &input.availability, TEXT_MAX);
        let capacity = input.capacity.trim().parse::<u8>().ok().filter(|c| (1..=20).contains(c));
        if capacity.is_none() {
            errors.push(FieldError::new("capacity", "error.mentoring.capacity"));
        }
        let gender = optional_text(&mut errors, "gender", &input.gender, 10).unwrap_or_default();
        if !gender.is_empty() && gender != "female" && gender != "male" {
            errors.push(FieldError::new("gender", "error.mentoring.gender"));
        }
        let (Some((member, name)), Some(vetted_on), Some(vetting_expires), Some(capacity)) =
            (member, vetted_on, expires, capacity)
        else {
            return Err(errors.into());
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let profile = MentorProfile {
            member: *member,
            agency: actor.agency_id,
            name: name.clone(),
            lived_experience: input.lived_experience,
            vetted_on,
            vetting_expires,
            training_completed: training,
            languages,
            area,
            availability,
            capacity,
            gender,
        };
        self.save_profile(actor, profile.clone()).await?;
        Ok(profile)
    }

    /// The agency's roster from now on, in start order.
    pub async fn roster(&self, actor: &Actor) -> ServiceResult<Vec<Shift>> {
        self.coordinator(actor, "mentoring: roster").await?;
        let shifts = self.store.shifts_from(self.clock.now()).await?;
        Ok(shifts.into_iter().filter(|s| s.agency == actor.agency_id).collect())
    }

    /// Adds a shift or changes one of the agency's (a hand-over moved, another mentor on call).
    pub async fn keep_shift(&self, actor: &Actor, input: &ShiftInput) -> ServiceResult<Shift> {
        let roll = self.mentor_roll(actor).await?;
        let mut errors = ValidationErrors::default();
        let existing = if input.id.trim().is_empty() {
            None
        } else {
            let id = Uuid::parse_str(input.id.trim()).ok();
            let found = self.roster(actor).await?.into_iter().find(|s| Some(s.id) == id);
            if found.is_none() {
                return Err(crate::service::ServiceError::NotFound);
            }
            found
        };
        let member = MemberId::parse(input.member.trim()).ok().and_then(|id| {
            roll.members
                .iter()
                .find(|(m, _)| *m == id)
                .cloned()
                .or_else(|| (id == actor.member_id).then(|| (id, actor.display_name.clone())))
        });
        if member.is_none() {
            errors.push(FieldError::new("member", "error.mentoring.not_a_mentor"));
        }
        let local = |field: &str, raw: &str, errors: &mut ValidationErrors| {
            raw.trim()
                .parse::<jiff::civil::DateTime>()
                .ok()
                .and_then(|dt| dt.to_zoned(self.time_zone.clone()).ok())
                .map(|z| z.timestamp())
                .or_else(|| {
                    errors.push(FieldError::new(field, "error.mentoring.when"));
                    None
                })
        };
        let starts_at = local("starts_at", &input.starts_at, &mut errors);
        let ends_at = local("ends_at", &input.ends_at, &mut errors);
        if let (Some(from), Some(to)) = (starts_at, ends_at)
            && (to <= from || from.duration_until(to) > jiff::SignedDuration::from_hours(24))
        {
            errors.push(FieldError::new("ends_at", "error.mentoring.shift_length"));
        }
        let phone = required_text(&mut errors, "phone", &input.phone, 40);
        let (Some((member, name)), Some(starts_at), Some(ends_at)) = (member, starts_at, ends_at) else {
            return Err(errors.into());
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let now = self.clock.now();
        let shift = Shift {
            id: existing.map_or_else(|| crate::ids::new_v7(now), |s| s.id),
            agency: actor.agency_id,
            member,
            name,
            starts_at,
            ends_at,
            phone,
        };
        let audit = AuditEntry::new(actor, now, None, AuditAction::Update, "mentoring: roster", shift.id.to_string());
        self.store.add_shift(&shift).await?;
        self.store.append(&[audit]).await?;
        Ok(shift)
    }
}
