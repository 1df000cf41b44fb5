//! Password checks under load (issue 16, item 1).
//!
//! An argon2 check takes about 19 MiB of work memory and a core for tens of milliseconds. With
//! nothing to bound them, 200 concurrent wrong sign-ins took the server from 61 MB to 5.85 GB,
//! and it never came back: every check ran on a blocking thread of its own, whose allocator
//! arena kept the freed buffers.
//!
//! [`PasswordChecks`] bounds them. At most `concurrent` checks run at once (a semaphore sized
//! from the cores), each in one of as many work buffers, allocated once and reused: argon2
//! never allocates, so its memory is `concurrent` × 19 MiB whatever the load. At most `queue`
//! more sign-ins wait their turn; beyond that a sign-in is refused at once ([`PasswordChecks::admit`]
//! answers `None`), before the database or argon2 sees it, and answered 429 with `Retry-After`
//! once that has passed (`PasswordLimits::refused_answer_after`), so a flood of sign-ins slows
//! to one a second per connection.
//! A check whose request is dropped meanwhile still ends, and only then frees its place.

use argon2::password_hash::phc::{Output, PasswordHash};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHasher, Version};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use tokio::sync::Semaphore;

/// How many password checks run at once, how many more may wait, and how long a sign-in
/// refused for want of room waits for its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordLimits {
    pub concurrent: usize,
    pub queue: usize,
    /// A refused sign-in is answered (429) after this: a client that sends the next as soon as
    /// it has an answer — 2,000 of them made 15,000 sign-ins a second, a flood that took the
    /// cores from the members' pages (p99 214 ms) — then sends one a second per connection. The
    /// wait is a timer, not work: the refusal is decided at once, before anything is read.
    pub refused_answer_after: std::time::Duration,
}

impl Default for PasswordLimits {
    /// Half the cores (at least one), so the pages of members who are signed in keep a core
    /// while sign-ins are checked; 16 waiting per check, about half a second of work; refusals
    /// answered after a second (the `Retry-After` they carry).
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let concurrent = (cores / 2).max(1);
        Self { concurrent, queue: 16 * concurrent, refused_answer_after: std::time::Duration::from_secs(1) }
    }
}

/// How the checks went so far, for tests and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordCheckStats {
    /// The most checks that ran at once.
    pub peak_concurrent: usize,
    /// Work buffers allocated (never more than `concurrent`).
    pub buffers: usize,
    /// Sign-ins refused because the queue was full.
    pub refused_busy: u64,
}

#[derive(Debug)]
pub struct PasswordChecks {
    limits: PasswordLimits,
    running: Arc<Semaphore>,
    /// Sign-ins admitted and not yet done: waiting or being checked.
    admitted: AtomicUsize,
    /// Work buffers not in use; a check takes one and puts it back.
    buffers: Mutex<Vec<Vec<Block>>>,
    allocated: AtomicUsize,
    now_running: AtomicUsize,
    peak: AtomicUsize,
    refused: AtomicU64,
}

/// A place among the sign-ins admitted; given back when dropped.
#[derive(Debug)]
pub struct Admission {
    checks: Arc<PasswordChecks>,
}

impl Drop for Admission {
    fn drop(&mut self) {
        self.checks.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A real hash of a random password: checking against it when the username is unknown takes
/// as long as a real check, so response times do not reveal which usernames exist.
static DECOY_HASH: LazyLock<String> = LazyLock::new(|| {
    Argon2::default().hash_password(crate::auth::random_token().as_bytes()).expect("argon2 hashes").to_string()
});

impl PasswordChecks {
    pub fn new(limits: PasswordLimits) -> Arc<Self> {
        let concurrent = limits.concurrent.max(1);
        Arc::new(Self {
            limits: PasswordLimits { concurrent, ..limits },
            running: Arc::new(Semaphore::new(concurrent)),
            admitted: AtomicUsize::new(0),
            buffers: Mutex::new(Vec::with_capacity(concurrent)),
            allocated: AtomicUsize::new(0),
            now_running: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            refused: AtomicU64::new(0),
        })
    }

    /// How long a refused sign-in waits for its answer.
    pub fn refused_answer_after(&self) -> std::time::Duration {
        self.limits.refused_answer_after
    }

    /// A place for one more sign-in, or `None` when `concurrent + queue` are already admitted.
    pub fn admit(self: &Arc<Self>) -> Option<Admission> {
        let capacity = self.limits.concurrent + self.limits.queue;
        let admitted =
            self.admitted.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < capacity).then_some(n + 1));
        match admitted {
            Ok(_) => Some(Admission { checks: self.clone() }),
            Err(_) => {
                self.refused.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    pub fn stats(&self) -> PasswordCheckStats {
        PasswordCheckStats {
            peak_concurrent: self.peak.load(Ordering::Relaxed),
            buffers: self.allocated.load(Ordering::Relaxed),
            refused_busy: self.refused.load(Ordering::Relaxed),
        }
    }

    fn take_buffer(&self) -> Vec<Block> {
        let kept = self.buffers.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
        kept.unwrap_or_else(|| {
            self.allocated.fetch_add(1, Ordering::Relaxed);
            vec![Block::new(); Params::DEFAULT.block_count()]
        })
    }

    fn put_buffer(&self, buffer: Vec<Block>) {
        self.buffers.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(buffer);
    }
}

impl Admission {
    /// Whether `password` matches `hash` (a decoy when the username is unknown, which fails in
    /// as long), once a check may run; on the blocking pool, never on the async runtime.
    pub async fn verify(&self, password: String, hash: Option<String>) -> bool {
        let Ok(permit) = self.checks.running.clone().acquire_owned().await else { return false };
        let checks = self.checks.clone();
        tokio::task::spawn_blocking(move || {
            let running = checks.now_running.fetch_add(1, Ordering::AcqRel) + 1;
            checks.peak.fetch_max(running, Ordering::AcqRel);
            let mut buffer = checks.take_buffer();
            let stored = hash.as_deref().unwrap_or(DECOY_HASH.as_str());
            let valid = verify_in(&mut buffer, password.as_bytes(), stored);
            checks.put_buffer(buffer);
            checks.now_running.fetch_sub(1, Ordering::AcqRel);
            drop(permit);
            valid
        })
        .await
        .unwrap_or(false)
    }
}

/// Passwords for administration (`domain::partnership::ports::Passwords`): argon2id
/// hashes, checks within this server's bound when it has one (`None`: the CLI, one at a time),
/// and one-time passwords from the operating system's randomness.
#[derive(Clone, Default)]
pub struct SystemPasswords {
    pub(crate) checks: Option<Arc<PasswordChecks>>,
}

impl SystemPasswords {
    /// Without a bound on checks: for the CLI, which checks one at a time.
    pub const fn new() -> Self {
        Self { checks: None }
    }
}

/// Letters and digits no one mistakes for each other when reading or copying them (no 0/o,
/// 1/l/i): 31 of them.
const ONE_TIME_ALPHABET: &[u8; 31] = b"abcdefghjkmnpqrstuvwxyz23456789";

impl domain::partnership::ports::Passwords for SystemPasswords {
    async fn hash(&self, password: String) -> Result<String, String> {
        crate::auth::hash_password(password).await.map_err(|e| e.to_string())
    }

    async fn verify(&self, password: String, hash: String) -> bool {
        match &self.checks {
            // Busy: refused like a wrong password; the member tries again in a moment.
            Some(checks) => match checks.admit() {
                Some(admission) => admission.verify(password, Some(hash)).await,
                None => false,
            },
            None => tokio::task::spawn_blocking(move || verify_in(&mut Vec::new(), password.as_bytes(), &hash))
                .await
                .unwrap_or(false),
        }
    }

    /// `dsk_` and 32 random bytes in hex: recognisable in a leaked log, unguessable.
    fn api_token(&self) -> String {
        format!("dsk_{}", crate::auth::random_token())
    }

    fn token_hash(&self, token: &str) -> String {
        crate::auth::hash_token(token)
    }

    /// Four groups of five (`k7mq2-…`): 99 random bits, typed once.
    fn one_time(&self) -> String {
        let mut out = String::with_capacity(23);
        let mut picked = 0;
        while picked < 20 {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).expect("the operating system provides randomness");
            // Bytes past the last whole multiple of 31 are dropped, so every character is as likely.
            for byte in bytes.into_iter().filter(|b| *b < 248).take(20 - picked) {
                if picked > 0 && picked % 5 == 0 {
                    out.push('-');
                }
                out.push(char::from(ONE_TIME_ALPHABET[usize::from(byte % 31)]));
                picked += 1;
            }
        }
        out
    }
}

/// Checks `password` against a PHC string in `memory` (grown, once, for a hash made with more
/// memory than the default).
fn verify_in(memory: &mut Vec<Block>, password: &[u8], stored: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else { return false };
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else { return false };
    let Ok(algorithm) = Algorithm::try_from(hash.algorithm.as_str()) else { return false };
    let version = match hash.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&hash) else { return false };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::new());
    }
    let mut out = [0u8; Output::MAX_LENGTH];
    let Some(out) = out.get_mut(..expected.len()) else { return false };
    let argon2 = Argon2::new(algorithm, version, params);
    argon2.hash_password_into_with_memory(password, salt.as_ref(), out, &mut memory[..blocks]).is_ok()
        // `Output`'s comparison takes as long whatever the bytes.
        && Output::new(out).is_ok_and(|computed| computed == *expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(password: &str) -> String {
        Argon2::default().hash_password(password.as_bytes()).unwrap().to_string()
    }

    #[test]
    fn checks_in_reused_memory_agree_with_argon2() {
        let stored = hash("correct horse battery staple");
        let mut memory = Vec::new();
        assert!(verify_in(&mut memory, b"correct horse battery staple", &stored));
        assert!(!verify_in(&mut memory, b"correct horse battery stapler", &stored));
        assert!(!verify_in(&mut memory, b"x", "not a hash"));
        // A hash made with other parameters is checked with them.
        let light = Params::new(64, 1, 1, None).unwrap();
        let other =
            Argon2::new(Algorithm::Argon2id, Version::V0x13, light).hash_password(b"secret").unwrap().to_string();
        assert!(verify_in(&mut memory, b"secret", &other));
        assert!(!verify_in(&mut memory, b"Secret", &other));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn at_most_the_limit_run_and_wait_and_the_rest_are_refused_at_once() {
        let checks = PasswordChecks::new(PasswordLimits { concurrent: 1, queue: 2, ..PasswordLimits::default() });
        let places: Vec<_> = (0..5).map(|_| checks.admit()).collect();
        assert_eq!(places.iter().filter(|p| p.is_some()).count(), 3);
        assert_eq!(checks.stats().refused_busy, 2);
        drop(places);
        let stored = hash("pw");
        let tasks: Vec<_> = (0..3)
            .map(|_| {
                let admission = checks.admit().expect("room again once the places are given back");
                let stored = stored.clone();
                tokio::spawn(async move { admission.verify("wrong".into(), Some(stored)).await })
            })
            .collect();
        for task in tasks {
            assert!(!task.await.unwrap());
        }
        let stats = checks.stats();
        assert_eq!((stats.peak_concurrent, stats.buffers), (1, 1), "one at a time, in one buffer");
        assert!(checks.admit().is_some());
    }
}
