//! A referral list's rows: the columns a list shows with the person's names joined, and the
//! query for a page of them (newest first, or in queue order).

use crate::corrupt;
use crate::read::Param;
use crate::types::Day;
use domain::ids::{InterventionId, ReferralId};
use domain::interventions::ports::ReferralQuery;
use domain::interventions::{ReferralListing, ReferralStatus};
use domain::ports::StoreResult;
use uuid::Uuid;

/// The columns of a referral on a list, with its person's names (joined, so a list of 200 is
/// one statement rather than a second one for the names).
pub(super) const LISTING_COLUMNS: &str =
    "id, person_id, intervention_id, intervention_name, status, task_id, created_on, started_on, session_count";
pub(super) type ListingRow =
    (Uuid, Uuid, Uuid, String, String, Option<Uuid>, Option<Day>, Option<Day>, i64, Option<String>, Option<String>);

pub(super) fn listing(row: ListingRow) -> StoreResult<(ReferralListing, String)> {
    let (id, person, intervention, intervention_name, status, task, created_on, started_on, sessions, family, given) =
        row;
    let line = ReferralListing {
        id: ReferralId(id),
        person: domain::ids::PersonId(person),
        intervention: InterventionId(intervention),
        intervention_name,
        status: ReferralStatus::parse(&status).ok_or_else(|| corrupt("referral status", &status))?,
        task: task.map(domain::ids::TaskId),
        created_on: created_on.ok_or_else(|| corrupt("referral", "no created_on"))?.0,
        started_on: started_on.map(|d| d.0),
        sessions: u32::try_from(sessions).unwrap_or(u32::MAX),
    };
    let name = family.map(|family| domain::people::full_name(given.as_deref(), &family)).unwrap_or_default();
    Ok((line, name))
}

/// A list's query: newest first, or, when it asks only for queued statuses (accepted,
/// waiting), in the order of the queue (by when each was queued). With several statuses each
/// is read in that order on its own (the provider indexes `(provider_id, status, id)` and
/// `(provider_id, status, queued_at, id)` give those in order) and the few rows are merged,
/// instead of sorting every referral of the statuses for the first page. The person's names
/// are joined to the page's rows only.
pub(super) fn listing_sql(query: &ReferralQuery, skip: u32) -> (String, Vec<Param<'_>>) {
    let mut clauses = Vec::new();
    let mut binds: Vec<Param<'_>> = Vec::new();
    let fixed = [
        ("provider_id", query.provider.map(|a| a.0)),
        ("referrer_agency", query.referrer.map(|a| a.0)),
        ("person_id", query.person.map(|p| p.0)),
    ];
    for (column, value) in fixed {
        if let Some(value) = value {
            binds.push(Param::Uuid(value));
            clauses.push(format!("{column} = ${}", binds.len()));
        }
    }
    // Each branch reads as far as the page's end; the page is cut from their merge.
    binds.push(Param::Int(i64::from(query.limit.max(1)) + i64::from(skip)));
    let limit = binds.len();
    let queue_order = !query.statuses.is_empty() && query.statuses.iter().all(|s| s.is_queued());
    let (columns, order) = if queue_order {
        (format!("{LISTING_COLUMNS}, queued_at"), "queued_at, id")
    } else {
        (LISTING_COLUMNS.to_string(), "id DESC")
    };
    let branch = |extra: Option<usize>| {
        let mut all = clauses.clone();
        if let Some(at) = extra {
            all.push(format!("status = ${at}"));
        }
        if queue_order {
            // Names the queue index's own condition, so both databases may use it.
            all.push("queued_at IS NOT NULL".into());
        }
        if all.is_empty() {
            all.push("1 = 1".into());
        }
        format!("SELECT {columns} FROM referral WHERE {} ORDER BY {order} LIMIT ${limit}", all.join(" AND "))
    };
    let page = match query.statuses.as_slice() {
        [] => branch(None),
        [_] => {
            binds.push(Param::Text(query.statuses[0].code()));
            branch(Some(binds.len()))
        }
        statuses => {
            let mut parts = Vec::new();
            for (n, status) in statuses.iter().enumerate() {
                binds.push(Param::Text(status.code()));
                parts.push(format!("SELECT * FROM ({}) AS s{n}", branch(Some(binds.len()))));
            }
            format!("{} ORDER BY {order} LIMIT ${limit}", parts.join(" UNION ALL "))
        }
    };
    binds.push(Param::Int(i64::from(query.limit.max(1))));
    binds.push(Param::Int(i64::from(skip)));
    let (count, offset) = (binds.len() - 1, binds.len());
    let outer: Vec<String> = LISTING_COLUMNS.split(", ").map(|c| format!("l.{c}")).collect();
    let ordered = order.split(", ").map(|c| format!("l.{c}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT {}, p.family_name, p.given_names \
         FROM (SELECT * FROM ({page}) AS m ORDER BY {order} LIMIT ${count} OFFSET ${offset}) AS l \
         LEFT JOIN person p ON p.id = l.person_id ORDER BY {ordered}",
        outer.join(", ")
    );
    (sql, binds)
}
