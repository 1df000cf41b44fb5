//! The plan's history as changes, not copies (issue 16, item 7).
//!
//! Until migration 0027 every history row held the whole plan after its change, so a plan's
//! history grew with the square of its size: ten notes of 5,000 characters on a plan of 50
//! tasks cost 470 kB, and one database reached 2.3 GB. Now a row holds either
//!
//! * `change`: what its command changed in the plan's JSON, against the row before it
//!   ([`delta`]): each top-level member that differs, as its new value (`{"to": value}`),
//!   or — for a list in both, such as the notes — as its new length and the items that differ,
//!   by position (`{"len": n, "at": [[i, item], …]}`). A note is stored as the note; or
//! * `state`: the whole plan (a snapshot), for the first version, and whenever the changes
//!   since the last snapshot would outweigh it ([`snapshot_due`]).
//!
//! A version is read by applying the changes after the nearest snapshot at or before it, in
//! order ([`replay`]). This is storage, not business: replay re-runs no rule of the workflow
//! (rules and the jurisdiction pack may change; the past must not), it restores JSON exactly.
//! The snapshot rule keeps both costs linear: a snapshot is written only after at least its
//! own size in changes, so snapshots take at most about as much as the changes they follow,
//! and reading a version costs at most a snapshot and its size again in changes (and at most
//! [`MAX_CHAIN`] of them).
//!
//! Migration 0027 turned the existing copies into changes the same way, in SQL (SQLite's JSON
//! functions, PostgreSQL's jsonb): rows written then and rows written since read alike.

use domain::plan::Plan;
use domain::ports::{StoreError, StoreResult};
use serde_json::{Map, Value};

/// Changes after a snapshot at most, whatever their size: a plan changed often in small ways
/// (task statuses) still reads back from a snapshot and at most this many changes.
pub(crate) const MAX_CHAIN: i64 = 64;

/// Where the plan's history stands before a new row: its last snapshot's version and size, and
/// the size of the changes written since (all in bytes of JSON).
pub(crate) const CHAIN: &str = "SELECT s.version, CAST(octet_length(s.state) AS BIGINT), \
     CAST((SELECT coalesce(sum(octet_length(c.change)), 0) FROM plan_event c \
       WHERE c.plan_id = s.plan_id AND c.version > s.version) AS BIGINT) \
     FROM plan_event s WHERE s.plan_id = $1 AND s.state IS NOT NULL ORDER BY s.version DESC LIMIT 1";

/// A history row's content: the plan (a snapshot) or its change since the row before.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Stored<'a> {
    Snapshot(&'a str),
    Change(String),
}

impl<'a> Stored<'a> {
    /// The `state` and `change` columns.
    pub(crate) fn columns(&self) -> (Option<&'a str>, Option<&str>) {
        match self {
            Stored::Snapshot(state) => (Some(*state), None),
            Stored::Change(change) => (None, Some(change.as_str())),
        }
    }
}

/// What to store for `version` of a plan now `after` (its JSON `state`), given the plan
/// before it as stored (`before`, `None` for a new plan) and where the history stands
/// (`chain`: the last snapshot's version and size, and the size of the changes since).
pub(crate) fn stored<'a>(
    before: Option<&str>,
    after: &Plan,
    state: &'a str,
    version: i64,
    chain: Option<(i64, i64, i64)>,
) -> StoreResult<Stored<'a>> {
    let (Some(before), Some((snapshot_version, snapshot_bytes, since_bytes))) = (before, chain) else {
        return Ok(Stored::Snapshot(state));
    };
    let before: Value = serde_json::from_str(before).map_err(|e| crate::corrupt("plan", e))?;
    let after = serde_json::to_value(after).map_err(|e| StoreError::Database(e.to_string()))?;
    let change = crate::to_json(&delta(&before, &after))?;
    let since = since_bytes.saturating_add(i64::try_from(change.len()).unwrap_or(i64::MAX));
    if snapshot_due(version - snapshot_version, since, snapshot_bytes) {
        Ok(Stored::Snapshot(state))
    } else {
        Ok(Stored::Change(change))
    }
}

/// Whether the row `versions` after the last snapshot is a snapshot, when the changes since
/// that snapshot, this one's included, take `since_bytes` and the snapshot `snapshot_bytes`.
pub(crate) fn snapshot_due(versions: i64, since_bytes: i64, snapshot_bytes: i64) -> bool {
    versions >= MAX_CHAIN || since_bytes > snapshot_bytes
}

/// The change from `before` to `after`, two plans as JSON objects (see the module's header).
pub(crate) fn delta(before: &Value, after: &Value) -> Value {
    let empty = Map::new();
    let before = before.as_object().unwrap_or(&empty);
    let Some(after) = after.as_object() else { return Value::Object(Map::new()) };
    let mut change = Map::new();
    for (key, now) in after {
        let was = before.get(key);
        if was == Some(now) {
            continue;
        }
        let member = match (was.and_then(Value::as_array), now.as_array()) {
            (Some(was), Some(now)) => {
                let at: Vec<Value> = now
                    .iter()
                    .enumerate()
                    .filter(|(i, item)| was.get(*i) != Some(*item))
                    .map(|(i, item)| Value::Array(vec![Value::from(i), item.clone()]))
                    .collect();
                serde_json::json!({ "len": now.len(), "at": at })
            }
            _ => serde_json::json!({ "to": now }),
        };
        change.insert(key.clone(), member);
    }
    for key in before.keys().filter(|key| !after.contains_key(*key)) {
        change.insert(key.clone(), serde_json::json!({ "drop": true }));
    }
    Value::Object(change)
}

/// Applies a change made by [`delta`] (or by migration 0027) to `state`, moving its values in.
pub(crate) fn apply(state: &mut Value, change: Value) -> Result<(), String> {
    let Value::Object(change) = change else { return Err("a change is not an object".into()) };
    let object = state.as_object_mut().ok_or("the plan is not an object")?;
    for (key, member) in change {
        let Value::Object(mut member) = member else { return Err(format!("{key}: not a change")) };
        if member.contains_key("drop") {
            object.remove(&key);
        } else if let Some(to) = member.remove("to") {
            object.insert(key, to);
        } else {
            let len = member.get("len").and_then(Value::as_u64).ok_or_else(|| format!("{key}: no length"))?;
            let len = usize::try_from(len).map_err(|e| e.to_string())?;
            let Some(Value::Array(items)) = member.remove("at") else { return Err(format!("{key}: no items")) };
            let list = object.entry(key.clone()).or_insert_with(|| Value::Array(Vec::new()));
            let list = list.as_array_mut().ok_or_else(|| format!("{key} is not a list"))?;
            list.truncate(len);
            for pair in items {
                let Value::Array(pair) = pair else { return Err(format!("{key}: an item without its position")) };
                let Ok([i, item]) = <[Value; 2]>::try_from(pair) else {
                    return Err(format!("{key}: an item without its position"));
                };
                let i = i.as_u64().and_then(|i| usize::try_from(i).ok()).ok_or_else(|| format!("{key}: a position"))?;
                match i.cmp(&list.len()) {
                    std::cmp::Ordering::Less => list[i] = item,
                    std::cmp::Ordering::Equal => list.push(item),
                    std::cmp::Ordering::Greater => return Err(format!("{key}: item {i} after the end")),
                }
            }
            if list.len() != len {
                return Err(format!("{key}: {} items where the change says {len}", list.len()));
            }
        }
    }
    Ok(())
}

/// The plan at the last of `rows` (version, state, change), oldest first, from the first
/// row's snapshot and the changes after it.
pub(crate) fn replay<'r>(rows: impl IntoIterator<Item = (i64, Option<&'r str>, Option<&'r str>)>) -> StoreResult<Plan> {
    let broken = |version: i64, detail: String| crate::corrupt("plan history", format!("version {version}: {detail}"));
    let mut state: Option<Value> = None;
    let mut last = None;
    for (version, snapshot, change) in rows {
        if let Some(previous) = last
            && version != previous + 1
        {
            return Err(broken(version, format!("follows version {previous}")));
        }
        last = Some(version);
        match (snapshot, change, state.as_mut()) {
            (Some(snapshot), _, _) => {
                state = Some(serde_json::from_str(snapshot).map_err(|e| broken(version, e.to_string()))?);
            }
            (None, Some(change), Some(state)) => {
                let change: Value = serde_json::from_str(change).map_err(|e| broken(version, e.to_string()))?;
                apply(state, change).map_err(|e| broken(version, e))?;
            }
            (None, Some(_), None) => return Err(broken(version, "a change without a snapshot before it".into())),
            (None, None, _) => return Err(broken(version, "neither a plan nor a change".into())),
        }
    }
    let state = state.ok_or_else(|| crate::corrupt("plan history", "no rows"))?;
    serde_json::from_value(state).map_err(|e| crate::corrupt("plan", e))
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
