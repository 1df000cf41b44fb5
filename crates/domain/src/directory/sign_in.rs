//! Signing in: the throttle's rule ([`LoginThrottle`], pure), the use case that records every
//! attempt before its password is checked ([`SignIns`]), and a member's open sessions
//! ([`Sessions`]).
//!
//! Every attempt is on record (pending) before its password is checked, and is counted with
//! the attempts before it once that record has committed. Of two attempts made at once, the one
//! counted later therefore sees the other, whichever server took it: the throttle's limits hold
//! under parallel attempts, on one server or several sharing a database (issue 16, item 3). An
//! attempt refused by the count is taken off the record; one that failed stays, one that
//! succeeded no longer counts.

use super::SessionStore;
use crate::Clock;
use crate::access::Actor;
use crate::ports::StoreResult;
use crate::service::ServiceResult;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// When attempts stop counting, and how long they are kept for the notice a member gets after
/// signing in.
pub const ATTEMPTS_KEPT: SignedDuration = SignedDuration::from_hours(90 * 24);

/// The throttle: attempts counted per account and address, per address, and per account, over
/// a sliding window. Someone else's guesses at a member's account never lock the member out:
/// only the address that guessed is stopped, and past the account's own limit, addresses that
/// failed on it get a trickle while an address that has not failed on it still gets in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginThrottle {
    /// How far back attempts count.
    pub window: SignedDuration,
    /// Attempts on one account from one address. Past it, that address waits until its oldest
    /// attempt leaves the window — even with the right password, so guessing gains nothing.
    pub per_account_and_address: u32,
    /// Attempts from one address on any accounts (one address guessing across accounts).
    pub per_address: u32,
    /// Attempts on one account from anywhere. Past it, an address that has already failed on
    /// the account gets one attempt per `slow_down` on the account (shared by all such
    /// addresses); an address that has not failed on it is let through, so the member signing
    /// in from their own desk is never locked out by guesses made elsewhere.
    pub per_account: u32,
    /// The trickle past `per_account`.
    pub slow_down: SignedDuration,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            window: SignedDuration::from_mins(15),
            per_account_and_address: 5,
            per_address: 20,
            per_account: 5,
            slow_down: SignedDuration::from_mins(1),
        }
    }
}

/// Where the counts of an attempt start: the window, and the last `slow_down`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptWindow {
    pub since: Timestamp,
    pub recent_since: Timestamp,
}

/// Attempts on record that still count (pending or failed, not those that succeeded), as the
/// throttle judges an attempt: that attempt included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttemptCounts {
    /// On this account from this address, in the window.
    pub account_and_address: u32,
    /// From this address, on any account, in the window.
    pub address: u32,
    /// On this account, from anywhere, in the window.
    pub account: u32,
    /// On this account, from anywhere, in the last `slow_down`.
    pub account_recent: u32,
    /// The oldest of `account_and_address`, and of `address`: when they leave the window.
    pub oldest_account_and_address: Option<Timestamp>,
    pub oldest_address: Option<Timestamp>,
}

impl AttemptCounts {
    /// The counts with an attempt at `now` added: what recording it would make them.
    pub fn with_one_more(self, now: Timestamp) -> Self {
        let oldest = |at: Option<Timestamp>| Some(at.map_or(now, |at| at.min(now)));
        Self {
            account_and_address: self.account_and_address + 1,
            address: self.address + 1,
            account: self.account + 1,
            account_recent: self.account_recent + 1,
            oldest_account_and_address: oldest(self.oldest_account_and_address),
            oldest_address: oldest(self.oldest_address),
        }
    }
}

/// What the throttle says of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Check the password.
    Check,
    /// Refuse without checking; the address may try again after this long.
    Wait(SignedDuration),
}

impl LoginThrottle {
    pub fn window_at(&self, now: Timestamp) -> AttemptWindow {
        let back = |by: SignedDuration| now.checked_sub(by).unwrap_or(now);
        AttemptWindow { since: back(self.window), recent_since: back(self.slow_down) }
    }

    /// Judges an attempt by the attempts on record with it (`counts` includes it).
    pub fn judge(&self, counts: &AttemptCounts, now: Timestamp) -> Verdict {
        let until_out_of_window = |oldest: Option<Timestamp>| {
            let leaves = oldest.and_then(|at| at.checked_add(self.window).ok()).unwrap_or(now);
            Verdict::Wait(leaves.duration_since(now).max(SignedDuration::from_secs(1)))
        };
        if counts.account_and_address > self.per_account_and_address {
            return until_out_of_window(counts.oldest_account_and_address);
        }
        if counts.address > self.per_address {
            return until_out_of_window(counts.oldest_address);
        }
        let failed_here_before = counts.account_and_address > 1;
        if counts.account > self.per_account && failed_here_before && counts.account_recent > 1 {
            return Verdict::Wait(self.slow_down.max(SignedDuration::from_secs(1)));
        }
        Verdict::Check
    }
}

/// An attempt on record, by the number the store gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttemptId(pub i64);

/// How an attempt ended, after its password was checked or it was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptEnd {
    /// The password was wrong (or the account unknown or disabled): it keeps counting.
    Failed,
    /// The throttle refused it after recording it: it is taken off the record.
    Refused,
}

/// The failed attempts on a member's account since their sign-in before this one, told to the
/// member on the first page after signing in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedAttempts {
    pub count: u32,
    pub last_from: String,
    pub last_at: Timestamp,
}

/// The use case of signing in, around the password check the caller makes:
/// [`SignIns::attempt`] before it, [`SignIns::failed`] or [`SignIns::succeeded`] after.
pub struct SignIns<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub throttle: &'a LoginThrottle,
}

impl<S: SessionStore> SignIns<'_, S> {
    /// Records an attempt to sign in as `username` from `address` before its password is
    /// checked, or refuses it (`Err(wait)`): the throttle judges it with every attempt on record
    /// once its own record has committed. An attempt already past a limit by what is on record
    /// is refused without being written, which keeps a flood from writing a row per request.
    pub async fn attempt(&self, username: &str, address: &str) -> StoreResult<Result<AttemptId, SignedDuration>> {
        let now = self.clock.now();
        let window = self.throttle.window_at(now);
        let on_record = self.store.login_attempts(username, address, window).await?;
        if let Verdict::Wait(wait) = self.throttle.judge(&on_record.with_one_more(now), now) {
            return Ok(Err(wait));
        }
        let (id, counts) = self.store.record_login_attempt(username, address, now, window).await?;
        match self.throttle.judge(&counts, now) {
            Verdict::Check => Ok(Ok(id)),
            Verdict::Wait(wait) => {
                self.store.end_login_attempt(id, AttemptEnd::Refused).await?;
                Ok(Err(wait))
            }
        }
    }

    /// The password was wrong: the attempt keeps counting.
    pub async fn failed(&self, id: AttemptId) -> StoreResult<()> {
        self.store.end_login_attempt(id, AttemptEnd::Failed).await
    }

    /// The password was right: the attempt stops counting, and what failed on the account
    /// since the member's sign-in before this one is returned for the member to be told.
    pub async fn succeeded(&self, id: AttemptId, username: &str) -> StoreResult<Option<FailedAttempts>> {
        let now = self.clock.now();
        let forget_before = now.checked_sub(ATTEMPTS_KEPT).unwrap_or(now);
        self.store.login_succeeded(id, username, forget_before).await
    }
}

/// One of a member's open sessions, as the member sees it: never its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSession {
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// The address it was signed in from.
    pub signed_in_from: String,
    /// The session this request came with.
    pub current: bool,
}

/// A member's own sessions: which are open, and signing out everywhere else.
pub struct Sessions<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
}

impl<S: SessionStore> Sessions<'_, S> {
    /// The member's sessions that have not expired, newest first; `current` is the token hash
    /// of the one asking.
    pub async fn open(&self, member: &Actor, current: &str) -> ServiceResult<Vec<OpenSession>> {
        let sessions = self.store.sessions_of(member.member_id, self.clock.now()).await?;
        Ok(sessions
            .into_iter()
            .map(|s| OpenSession {
                current: s.token_hash == current,
                created_at: s.created_at,
                expires_at: s.expires_at,
                signed_in_from: s.signed_in_from,
            })
            .collect())
    }

    /// Ends every session of the member but `current`; how many ended.
    pub async fn end_others(&self, member: &Actor, current: &str) -> ServiceResult<u64> {
        Ok(self.store.end_other_sessions(member.member_id, current).await?)
    }
}

#[cfg(test)]
#[path = "sign_in_tests.rs"]
mod tests;
