//! Signed-in sessions kept in memory, on PostgreSQL.
//!
//! Every signed-in request starts by looking its session up; on PostgreSQL that was a round
//! trip, about a tenth of what a person page costs the two processes. Several servers share
//! one database, so a server may keep a session only while it hears of every change that
//! could end it: it LISTENs on `desist_session`, where triggers (migration 0022) announce a
//! deleted session by its token hash and any change to a member or an agency by `*`.
//!
//! - Memory is trusted only while the listener is connected. When the connection drops,
//!   everything kept is forgotten and lookups go to the database until it is back.
//! - A lookup that was under way when an announcement arrived does not keep its result
//!   (`epoch`), so a session read just before its logout is never kept after it.
//! - A logout through another server takes effect here when its announcement arrives,
//!   normally within milliseconds of its commit; one through this server at once.
//! - Kept sessions are read again after [`MAX_AGE`] whatever was heard, and expiry is
//!   checked on every use by the caller.
//!
//! SQLite needs none of this: its lookup is a local read.

use domain::directory::LiveSession;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// The channel the triggers of migration 0022 notify.
const CHANNEL: &str = "desist_session";

/// A kept session is read again after this long, even if nothing was announced.
const MAX_AGE: Duration = Duration::from_secs(60);

/// Sessions kept at most; beyond, memory starts afresh (a server sees far fewer at once).
const MAX_ENTRIES: usize = 100_000;

/// Wait before connecting the listener again after it failed.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub(crate) struct SessionCache {
    state: Mutex<State>,
    /// Sending (or dropping, with the cache) stops the listener.
    stop: watch::Sender<bool>,
}

#[derive(Debug, Default)]
struct State {
    kept: HashMap<String, (LiveSession, Instant)>,
    /// Raised by every announcement and by every change of `listening`.
    epoch: u64,
    /// The listener is connected: only then may sessions be kept and used.
    listening: bool,
}

/// What memory says of a session.
pub(crate) enum Lookup {
    Kept(Box<LiveSession>),
    /// Not kept: read it, then offer it to [`SessionCache::keep`] with this epoch.
    Unknown {
        epoch: u64,
    },
}

impl SessionCache {
    /// Starts the listener on a connection of its own (not one of the pool's).
    pub(crate) fn start(options: PgConnectOptions) -> Arc<SessionCache> {
        let (stop, stopped) = watch::channel(false);
        let cache = Arc::new(SessionCache { state: Mutex::default(), stop });
        let pool = PgPoolOptions::new().max_connections(1).connect_lazy_with(options);
        tokio::spawn(listen(pool, Arc::downgrade(&cache), stopped));
        cache
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn lookup(&self, token_hash: &str) -> Lookup {
        let state = self.state();
        match state.kept.get(token_hash) {
            Some((session, kept_at)) if state.listening && kept_at.elapsed() < MAX_AGE => {
                Lookup::Kept(Box::new(session.clone()))
            }
            _ => Lookup::Unknown { epoch: state.epoch },
        }
    }

    /// Keeps `session`, read from the database after a lookup returned `epoch`, unless
    /// something was announced (or the listener dropped) since.
    pub(crate) fn keep(&self, session: &LiveSession, epoch: u64) {
        let mut state = self.state();
        if !state.listening || state.epoch != epoch {
            return;
        }
        if state.kept.len() >= MAX_ENTRIES {
            state.kept.clear();
        }
        state.kept.insert(session.session.token_hash.clone(), (session.clone(), Instant::now()));
    }

    /// Forgets one session (`token_hash`), or every one (`*`): what an announcement says.
    pub(crate) fn forget(&self, token_hash: &str) {
        let mut state = self.state();
        state.epoch += 1;
        if token_hash == "*" {
            state.kept.clear();
        } else {
            state.kept.remove(token_hash);
        }
    }

    fn set_listening(&self, listening: bool) {
        let mut state = self.state();
        state.epoch += 1;
        state.listening = listening;
        state.kept.clear();
    }

    pub(crate) fn listening(&self) -> bool {
        self.state().listening
    }

    /// Stops the listener (the store is closing).
    pub(crate) fn stop(&self) {
        let _ = self.stop.send(true);
    }
}

/// Listens until the cache is dropped or stopped, connecting again whenever the connection
/// is lost; memory is trusted only while connected.
async fn listen(pool: PgPool, cache: Weak<SessionCache>, mut stopped: watch::Receiver<bool>) {
    loop {
        let connect = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener.eager_reconnect(false);
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let connected = tokio::select! {
            _ = stopped.changed() => return,
            connected = connect => connected,
        };
        match connected {
            Ok(mut listener) => {
                let Some(live) = cache.upgrade() else { return };
                live.set_listening(true);
                drop(live);
                loop {
                    let next = tokio::select! {
                        _ = stopped.changed() => return,
                        next = listener.try_recv() => next,
                    };
                    let Some(live) = cache.upgrade() else { return };
                    match next {
                        Ok(Some(notification)) => live.forget(notification.payload()),
                        Ok(None) => {
                            tracing::warn!("session listener lost its connection; reading sessions from the database");
                            break;
                        }
                        Err(error) => {
                            tracing::warn!(%error, "session listener failed; reading sessions from the database");
                            break;
                        }
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "session listener cannot connect; reading sessions from the database"),
        }
        let Some(live) = cache.upgrade() else { return };
        live.set_listening(false);
        drop(live);
        tokio::select! {
            _ = stopped.changed() => return,
            _ = tokio::time::sleep(RECONNECT_AFTER) => {}
        }
    }
}
