//! What a server keeps in memory on PostgreSQL: signed-in sessions, the rarely changing
//! reference data every request consults (which roles act for which side of a referral, an
//! agency's packs and time zones) and the finder's rows per area and need.
//!
//! Each of these was a round trip on every request that needed it (the session on every
//! signed-in one; the finder's rows were most of what a finder request cost PostgreSQL).
//! Several servers share one database, so a server may keep something only while it hears of
//! every change that could make it wrong: it LISTENs on `desist_session`, where triggers
//! (migration 0022) announce a deleted session by its token hash and any change to a member or
//! an agency by `*`, and on `desist_reference`, where triggers (migration 0070) announce a
//! change to `referral_side_role` (`side_roles`), to an agency's pack or a ZSM location
//! (`packs`) and to the finder's rows (`finder`).
//!
//! - Memory is trusted only while the listener is connected. When the connection drops,
//!   everything kept is forgotten and lookups go to the database until it is back.
//! - A lookup that was under way when an announcement arrived does not keep its result
//!   (`epoch`), so a value read just before a change is never kept after it.
//! - A change through another server (or `psql`) takes effect here when its announcement
//!   arrives, normally within milliseconds of its commit; one through this server at once
//!   (the store forgets what it changed). [`Memory::caught_up`] waits until every change
//!   committed before it has been heard.
//! - Kept values are read again after [`MAX_AGE`] whatever was heard; a session's expiry is
//!   checked on every use by the caller.
//!
//! SQLite needs none of this: its reads are local and cost no round trip.

use crate::interventions::FinderRow;
use domain::directory::{AgencyPackSource, LiveSession};
use domain::ids::AgencyId;
use domain::interventions::SideRoles;
use domain::ports::StoreResult;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// The channel the triggers of migration 0022 notify.
const SESSION_CHANNEL: &str = "desist_session";
/// The channel the triggers of migration 0070 notify.
const REFERENCE_CHANNEL: &str = "desist_reference";

/// A kept value is read again after this long, even if nothing was announced.
const MAX_AGE: Duration = Duration::from_secs(60);

/// Sessions kept at most; beyond, memory starts afresh (a server sees far fewer at once).
const MAX_SESSIONS: usize = 100_000;
/// Agencies and the finder's (area, need) keys kept at most.
const MAX_KEYS: usize = 20_000;

/// Wait before connecting the listener again after it failed.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// How long [`Memory::caught_up`] waits for its own announcement.
const CATCH_UP_WITHIN: Duration = Duration::from_secs(5);

/// Values kept by key, trusted only while the listener hears every change.
#[derive(Debug)]
pub(crate) struct Kept<K, V> {
    state: Mutex<State<K, V>>,
    max_entries: usize,
}

#[derive(Debug)]
struct State<K, V> {
    kept: HashMap<K, (V, Instant)>,
    /// Raised by every announcement and by every change of `listening`.
    epoch: u64,
    /// The listener is connected: only then may values be kept and used.
    listening: bool,
}

/// What memory says of a key.
pub(crate) enum Lookup<V> {
    Kept(V),
    /// Not kept: read it, then offer it to [`Kept::keep`] with this epoch.
    Unknown {
        epoch: u64,
    },
}

impl<K: Hash + Eq, V: Clone> Kept<K, V> {
    fn new(max_entries: usize) -> Self {
        Kept { state: Mutex::new(State { kept: HashMap::new(), epoch: 0, listening: false }), max_entries }
    }

    fn state(&self) -> MutexGuard<'_, State<K, V>> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn lookup<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> Lookup<V>
    where
        K: Borrow<Q>,
    {
        let state = self.state();
        match state.kept.get(key) {
            Some((value, kept_at)) if state.listening && kept_at.elapsed() < MAX_AGE => Lookup::Kept(value.clone()),
            _ => Lookup::Unknown { epoch: state.epoch },
        }
    }

    /// Keeps `value`, read from the database after a lookup returned `epoch`, unless
    /// something was announced (or the listener dropped) since.
    pub(crate) fn keep(&self, key: K, value: V, epoch: u64) {
        let mut state = self.state();
        if !state.listening || state.epoch != epoch {
            return;
        }
        if state.kept.len() >= self.max_entries {
            state.kept.clear();
        }
        state.kept.insert(key, (value, Instant::now()));
    }

    /// Forgets one key, or (`None`) every one.
    pub(crate) fn forget<Q: Hash + Eq + ?Sized>(&self, key: Option<&Q>)
    where
        K: Borrow<Q>,
    {
        let mut state = self.state();
        state.epoch += 1;
        match key {
            Some(key) => {
                state.kept.remove(key);
            }
            None => state.kept.clear(),
        }
    }

    fn set_listening(&self, listening: bool) {
        let mut state = self.state();
        state.epoch += 1;
        state.listening = listening;
        state.kept.clear();
    }
}

/// Which reference data a change concerns (the payloads of `desist_reference`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reference {
    SideRoles,
    Packs,
    Finder,
}

#[derive(Debug)]
pub(crate) struct Memory {
    pub(crate) sessions: Kept<String, Arc<LiveSession>>,
    pub(crate) side_roles: Kept<(), SideRoles>,
    pub(crate) agency_packs: Kept<AgencyId, Arc<AgencyPackSource>>,
    /// The finder's rows by (area key, need).
    pub(crate) finder: Kept<(String, String), Arc<Vec<FinderRow>>>,
    /// Names this memory's own announcements (`heard:<name>:<n>`) among other servers'.
    name: String,
    /// The last of its own announcements [`Memory::caught_up`] made.
    said: AtomicU64,
    /// The last of them heard; changed (without a new number) when `listening` changes.
    heard: watch::Sender<u64>,
    listening: std::sync::atomic::AtomicBool,
    /// Sending (or dropping, with the memory) stops the listener.
    stop: watch::Sender<bool>,
}

impl Memory {
    /// Starts the listener on a connection of its own (not one of the pool's).
    pub(crate) fn start(options: PgConnectOptions) -> Arc<Memory> {
        static MEMORIES: AtomicU64 = AtomicU64::new(0);
        let (stop, stopped) = watch::channel(false);
        let memory = Arc::new(Memory {
            sessions: Kept::new(MAX_SESSIONS),
            side_roles: Kept::new(1),
            agency_packs: Kept::new(MAX_KEYS),
            finder: Kept::new(MAX_KEYS),
            name: format!("{}.{}", std::process::id(), MEMORIES.fetch_add(1, Ordering::Relaxed)),
            said: AtomicU64::new(0),
            heard: watch::channel(0).0,
            listening: Default::default(),
            stop,
        });
        let pool = PgPoolOptions::new().max_connections(1).connect_lazy_with(options);
        tokio::spawn(listen(pool, Arc::downgrade(&memory), stopped));
        memory
    }

    /// Forgets a session (`*`: every one), as announced or after a change this server made.
    pub(crate) fn forget_session(&self, token_hash: &str) {
        self.sessions.forget(Some(token_hash).filter(|t| *t != "*"));
    }

    /// Forgets the reference data `what`, as announced or after a change this server made.
    pub(crate) fn forget(&self, what: Reference) {
        match what {
            Reference::SideRoles => self.side_roles.forget::<()>(None),
            Reference::Packs => self.agency_packs.forget::<AgencyId>(None),
            Reference::Finder => self.finder.forget::<(String, String)>(None),
        }
    }

    fn heard(&self, channel: &str, payload: &str) {
        if channel == SESSION_CHANNEL {
            return self.forget_session(payload);
        }
        let what = match payload {
            "side_roles" => Reference::SideRoles,
            "packs" => Reference::Packs,
            "finder" => Reference::Finder,
            _ => match payload.strip_prefix("heard:").and_then(|rest| rest.rsplit_once(':')) {
                Some((name, n)) => {
                    if let (true, Ok(n)) = (name == self.name, n.parse::<u64>()) {
                        self.heard.send_if_modified(|heard| {
                            let later = n > *heard;
                            *heard = (*heard).max(n);
                            later
                        });
                    }
                    return;
                }
                // Something this desist does not know of: everything, to be safe.
                None => {
                    for what in [Reference::SideRoles, Reference::Packs, Reference::Finder] {
                        self.forget(what);
                    }
                    return;
                }
            },
        };
        self.forget(what);
    }

    fn set_listening(&self, listening: bool) {
        self.sessions.set_listening(listening);
        self.side_roles.set_listening(listening);
        self.agency_packs.set_listening(listening);
        self.finder.set_listening(listening);
        self.listening.store(listening, Ordering::SeqCst);
        self.heard.send_modify(|_| {});
    }

    pub(crate) fn listening(&self) -> bool {
        self.listening.load(Ordering::SeqCst)
    }

    /// Returns once this server has heard every change committed before the call (or memory
    /// is not trusted, or after [`CATCH_UP_WITHIN`]): PostgreSQL delivers announcements in the
    /// order their transactions committed, so hearing one of its own, made now, says so. For
    /// tools and tests that change reference data with SQL and then expect a server to follow.
    pub(crate) async fn caught_up(&self, pool: &PgPool) -> StoreResult<()> {
        if !self.listening() {
            return Ok(());
        }
        let n = self.said.fetch_add(1, Ordering::SeqCst) + 1;
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(REFERENCE_CHANNEL)
            .bind(format!("heard:{}:{n}", self.name))
            .execute(pool)
            .await
            .map_err(crate::db_error)?;
        let mut heard = self.heard.subscribe();
        let _ = tokio::time::timeout(CATCH_UP_WITHIN, heard.wait_for(|heard| *heard >= n || !self.listening())).await;
        Ok(())
    }

    /// Stops the listener (the store is closing).
    pub(crate) fn stop(&self) {
        let _ = self.stop.send(true);
    }
}

/// Listens until the memory is dropped or stopped, connecting again whenever the connection
/// is lost; memory is trusted only while connected.
async fn listen(pool: PgPool, memory: Weak<Memory>, mut stopped: watch::Receiver<bool>) {
    loop {
        let connect = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener.eager_reconnect(false);
            listener.listen_all([SESSION_CHANNEL, REFERENCE_CHANNEL]).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let connected = tokio::select! {
            _ = stopped.changed() => return,
            connected = connect => connected,
        };
        match connected {
            Ok(mut listener) => {
                let Some(live) = memory.upgrade() else { return };
                live.set_listening(true);
                drop(live);
                loop {
                    let next = tokio::select! {
                        _ = stopped.changed() => return,
                        next = listener.try_recv() => next,
                    };
                    let Some(live) = memory.upgrade() else { return };
                    match next {
                        Ok(Some(notification)) => live.heard(notification.channel(), notification.payload()),
                        Ok(None) => {
                            tracing::warn!("memory's listener lost its connection; reading from the database");
                            break;
                        }
                        Err(error) => {
                            tracing::warn!(%error, "memory's listener failed; reading from the database");
                            break;
                        }
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "memory's listener cannot connect; reading from the database"),
        }
        let Some(live) = memory.upgrade() else { return };
        live.set_listening(false);
        drop(live);
        tokio::select! {
            _ = stopped.changed() => return,
            _ = tokio::time::sleep(RECONNECT_AFTER) => {}
        }
    }
}

impl crate::Store {
    /// What memory keeps of `key` in the part `part` picks, or else `read` (always on SQLite,
    /// and while the listener is not connected); a value read is kept unless a change was
    /// announced meanwhile.
    pub(crate) async fn remembered<K, V, Fut>(
        &self,
        part: fn(&Memory) -> &Kept<K, V>,
        key: K,
        read: impl FnOnce() -> Fut,
    ) -> StoreResult<V>
    where
        K: Hash + Eq,
        V: Clone,
        Fut: std::future::Future<Output = StoreResult<V>>,
    {
        let Some(memory) = self.memory.as_deref() else { return read().await };
        let kept = part(memory);
        let epoch = match kept.lookup(&key) {
            Lookup::Kept(value) => return Ok(value),
            Lookup::Unknown { epoch } => epoch,
        };
        let value = read().await?;
        kept.keep(key, value.clone(), epoch);
        Ok(value)
    }

    /// Forgets what memory keeps of `what` after a change this server made: other servers hear
    /// of it from the database, this one need not wait for that.
    pub(crate) fn forget(&self, what: Reference) {
        if let Some(memory) = &self.memory {
            memory.forget(what);
        }
    }

    /// Returns once this server has heard of every change committed before the call (at once
    /// on SQLite, which keeps nothing in memory): for tools and tests that change reference
    /// data with SQL and then expect this server to follow.
    pub async fn caught_up(&self) -> StoreResult<()> {
        match (&self.memory, &self.pool) {
            (Some(memory), crate::Pool::Postgres(pool)) => memory.caught_up(pool).await,
            _ => Ok(()),
        }
    }
}
