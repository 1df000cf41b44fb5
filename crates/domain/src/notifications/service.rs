//! The notification use cases: a member reads what the outbox holds for their agency — only
//! while their agency may see the person it concerns, decided when it is read — and marks it
//! read, one by one or all at once. Each listed person is audited as a listing.

use super::model::Notification;
use super::ports::NotificationStore;
use crate::access::{Actor, Permission, authorise};
use crate::audit::AuditLog;
use crate::audit::{AuditAction, AuditEntry};
use crate::clock::Clock;
use crate::people::ports::PeopleStore;
use crate::service::{ServiceError, ServiceResult, listed_with_names, today_in};
use jiff::tz::TimeZone;

/// Notifications per page, newest first.
pub const NOTIFICATION_PAGE_SIZE: u32 = 50;
/// The header counts unread notifications up to this many ("99+").
pub const UNREAD_CAP: u32 = 99;

/// One notification with the display name of the person it concerns, if any.
#[derive(Debug, Clone)]
pub struct NotificationLine {
    pub notification: Notification,
    pub person_name: Option<String>,
    /// The event names the reading member (a task or an episode given to them).
    pub for_you: bool,
}

#[derive(Debug, Clone)]
pub struct NotificationPage {
    pub lines: Vec<NotificationLine>,
    /// The position to ask for the next (older) page from, when there may be one.
    pub older: Option<i64>,
}

pub struct Notifications<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub time_zone: &'a TimeZone,
}

impl<S: NotificationStore + PeopleStore + AuditLog> Notifications<'_, S> {
    /// A page of the actor's notifications, newest first, from `before` (a position) down.
    pub async fn page(&self, actor: &Actor, before: Option<i64>) -> ServiceResult<NotificationPage> {
        let now = self.clock.now();
        let today = today_in(self.clock, self.time_zone);
        let fetched =
            self.store.notifications(actor.agency_id, actor.member_id, before, NOTIFICATION_PAGE_SIZE).await?;
        let older = match fetched.last() {
            Some(last) if fetched.len() == NOTIFICATION_PAGE_SIZE as usize => Some(last.position),
            _ => None,
        };
        let (about_persons, general): (Vec<Notification>, Vec<Notification>) =
            fetched.into_iter().partition(|n| n.event.person.is_some());
        // Events about a person are shown only while the agency may see that person: the
        // same rule (and the same audited listing) as every other work list.
        let person_of = |n: &Notification| n.event.person.expect("partitioned on the person");
        let named =
            listed_with_names(self.store, actor, about_persons, person_of, "list: notifications", now, today).await?;
        let mut lines: Vec<NotificationLine> = named
            .into_iter()
            .map(|(notification, name)| self.line(actor, notification, Some(name)))
            .chain(general.into_iter().map(|notification| self.line(actor, notification, None)))
            .collect();
        lines.sort_by_key(|line| std::cmp::Reverse(line.notification.position));
        Ok(NotificationPage { lines, older })
    }

    fn line(&self, actor: &Actor, notification: Notification, person_name: Option<String>) -> NotificationLine {
        let for_you = notification.for_member(actor.member_id);
        NotificationLine { notification, person_name, for_you }
    }

    /// How many notifications the actor has not read (up to [`UNREAD_CAP`]).
    pub async fn unread(&self, actor: &Actor) -> ServiceResult<u32> {
        let today = today_in(self.clock, self.time_zone);
        Ok(self.store.unread_notifications(actor.agency_id, actor.member_id, today, UNREAD_CAP).await?)
    }

    /// Marks one notification read. One that is not the actor's to read is "not found", as if it
    /// did not exist; when it concerns a person the actor may not see, the refusal is audited.
    pub async fn mark_read(&self, actor: &Actor, position: i64) -> ServiceResult<()> {
        let now = self.clock.now();
        let stored = self.store.event_at(position).await?.ok_or(ServiceError::NotFound)?;
        if !stored.event.addressed_to(actor.agency_id, actor.member_id) {
            return Err(ServiceError::NotFound);
        }
        if let Some(person) = stored.event.person {
            let today = today_in(self.clock, self.time_zone);
            let entries = self.store.open_entries_of(actor.agency_id, &[person]).await?;
            if let Err(denial) = authorise(actor, Permission::ViewPerson, &entries, today) {
                let what = format!("notification {position}: mark read");
                let entry = AuditEntry::new(actor, now, Some(person), AuditAction::Denied, what, denial.to_string());
                self.store.append(&[entry]).await?;
                return Err(ServiceError::NotFound);
            }
        }
        self.store.mark_read(actor.member_id, position, now).await?;
        Ok(())
    }

    /// Marks everything the actor's agency has been told so far read for the actor.
    pub async fn mark_all_read(&self, actor: &Actor) -> ServiceResult<()> {
        let newest = self.store.notifications(actor.agency_id, actor.member_id, None, 1).await?;
        if let Some(newest) = newest.first() {
            self.store.mark_read_up_to(actor.member_id, newest.position, self.clock.now()).await?;
        }
        Ok(())
    }
}
