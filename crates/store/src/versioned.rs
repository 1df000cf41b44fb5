//! Saving a row that carries a version against lost updates: plans, measures, conference
//! requests and meetings, ZSM cases, people. A writer read version `v - 1` and saves `v`:
//! version 1 inserts the row; a later version updates it only where the stored version is
//! still `v - 1`, and otherwise ends the transaction with `StoreError::Conflict` (someone
//! saved in between; the caller shows what changed) or `NotFound` (the row is gone).
//!
//! The statements are built from the column names a caller gives `save_versioned!`, once per
//! call site, so the SQL and its binds cannot drift apart; the values are bound as sqlx
//! values of each backend, which is why this is a macro (`in_tx!` gives each backend its own
//! transaction type, and a value's encoding is chosen per backend at compile time).

/// `INSERT INTO {table} ({columns}) VALUES ($1, …, $n)`.
pub(crate) fn insert_sql(table: &str, columns: &[&str]) -> String {
    format!("INSERT INTO {table} ({}) VALUES ({})", columns.join(", "), crate::in_list(columns.len()))
}

/// `UPDATE {table} SET {set} = $1, …, version = $n+1 WHERE id = $n+2 AND {key} = … AND
/// version = $last`: the binds are the `set` values, the new version, the id, the `keys`
/// values and the version expected.
pub(crate) fn update_sql(table: &str, set: &[&str], keys: &[&str]) -> String {
    let mut number = 0;
    let mut next = || {
        number += 1;
        number
    };
    let mut sql = format!("UPDATE {table} SET ");
    for column in set.iter().chain(&["version"]) {
        sql.push_str(&format!("{column} = ${}, ", next()));
    }
    sql.truncate(sql.len() - 2);
    for column in ["id"].iter().chain(keys).chain(&["version"]) {
        let word = if *column == "id" { " WHERE " } else { " AND " };
        sql.push_str(&format!("{word}{column} = ${}", next()));
    }
    sql
}

/// After an UPDATE guarded by the version touched nothing: a conflict, or the row is gone.
macro_rules! conflict_or_missing {
    ($tx:ident, $table:literal, $id:expr) => {{
        let sql = concat!("SELECT version FROM ", $table, " WHERE id = $1");
        let current: Option<i64> =
            sqlx::query_scalar(sql).bind($id).fetch_optional(&mut *$tx).await.map_err($crate::db_error)?;
        return Err(match current {
            Some(current) => domain::ports::StoreError::Conflict { current },
            None => domain::ports::StoreError::NotFound,
        });
    }};
}
pub(crate) use conflict_or_missing;

/// Saves `version` of the row `id` of `$table` on the open transaction `$tx`.
///
/// ```text
/// save_versioned!(tx, "measure", id: id, version: event.version,
///     key { kind: M::KIND },                                   // optional
///     insert { subject_id: …, created_at: … },                 // optional
///     set { status: …, state: …, updated_at: … });
/// ```
///
/// With `insert`, version 1 inserts `id`, the `key`, `insert` and `set` columns and the
/// version; without it the row was created otherwise and every version updates. An update
/// writes the `set` columns and the version where the id, the `key` columns and the version
/// before match; when nothing matched, `conflict_or_missing!` returns from the caller.
macro_rules! save_versioned {
    ($tx:ident, $table:literal, id: $id:expr, version: $version:expr,
     $(key { $($key:ident: $key_value:expr),* $(,)? },)?
     insert { $($insert:ident: $insert_value:expr),* $(,)? },
     set { $($set:ident: $set_value:expr),* $(,)? } $(,)?) => {{
        let version: i64 = $version;
        if version == 1 {
            static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
                $crate::versioned::insert_sql(
                    $table,
                    &["id", $($(stringify!($key),)*)? $(stringify!($insert),)* $(stringify!($set),)* "version"],
                )
            });
            sqlx::query(SQL.as_str())
                .bind($id)
                $($(.bind($key_value))*)?
                $(.bind($insert_value))*
                $(.bind($set_value))*
                .bind(version)
                .execute(&mut *$tx)
                .await
                .map_err($crate::db_error)?;
        } else {
            $crate::versioned::save_versioned!(@update $tx, $table, $id, version,
                [$($($key: $key_value),*)?], [$($set: $set_value),*]);
        }
    }};
    ($tx:ident, $table:literal, id: $id:expr, version: $version:expr,
     $(key { $($key:ident: $key_value:expr),* $(,)? },)?
     set { $($set:ident: $set_value:expr),* $(,)? } $(,)?) => {{
        let version: i64 = $version;
        $crate::versioned::save_versioned!(@update $tx, $table, $id, version,
            [$($($key: $key_value),*)?], [$($set: $set_value),*]);
    }};
    (@update $tx:ident, $table:literal, $id:expr, $version:ident,
     [$($key:ident: $key_value:expr),*], [$($set:ident: $set_value:expr),*]) => {{
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            $crate::versioned::update_sql($table, &[$(stringify!($set)),*], &[$(stringify!($key)),*])
        });
        let id = $id;
        let updated = sqlx::query(SQL.as_str())
            $(.bind($set_value))*
            .bind($version)
            .bind(id)
            $(.bind($key_value))*
            .bind($version - 1)
            .execute(&mut *$tx)
            .await
            .map_err($crate::db_error)?;
        if updated.rows_affected() == 0 {
            $crate::versioned::conflict_or_missing!($tx, $table, id);
        }
    }};
}
pub(crate) use save_versioned;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_insert_names_every_column_once() {
        assert_eq!(
            insert_sql("conference_meeting", &["id", "meeting_on", "status", "state", "version"]),
            "INSERT INTO conference_meeting (id, meeting_on, status, state, version) VALUES ($1, $2, $3, $4, $5)"
        );
    }

    #[test]
    fn an_update_is_guarded_by_the_id_the_keys_and_the_version_before() {
        assert_eq!(
            update_sql("measure", &["status", "state", "updated_at"], &["kind"]),
            "UPDATE measure SET status = $1, state = $2, updated_at = $3, version = $4 \
             WHERE id = $5 AND kind = $6 AND version = $7"
        );
        assert_eq!(
            update_sql("plan", &["state"], &[]),
            "UPDATE plan SET state = $1, version = $2 WHERE id = $3 AND version = $4"
        );
    }
}
