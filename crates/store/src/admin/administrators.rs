//! The last enabled administrator, kept inside the write's transaction
//! (`domain::partnership::ports::MemberWrite`). A write that may take an administrator away
//! first reads the enabled administrators — on PostgreSQL `FOR UPDATE`, so a second such write
//! waits for the first to commit and then reads the roles it committed; on SQLite the write
//! transaction (`BEGIN IMMEDIATE`) already excludes every other writer — makes its change, and
//! reads them again. When the member was one of them and none is left, nothing is written.

/// The enabled administrators as read now, with their roles checked exactly (the `LIKE` only
/// narrows the rows read).
pub(super) const ADMINISTRATORS: &str =
    "SELECT id, roles FROM member WHERE NOT disabled AND roles LIKE '%administrator%' ORDER BY id";
/// The same, locked until the transaction ends (PostgreSQL).
pub(super) const ADMINISTRATORS_FOR_UPDATE: &str =
    "SELECT id, roles FROM member WHERE NOT disabled AND roles LIKE '%administrator%' ORDER BY id FOR UPDATE";

/// Whether a stored roles text (`police_officer,administrator`) holds the administrator role.
pub(super) fn holds_administrator(roles: &str) -> bool {
    let administrator = domain::access::Role::Administrator.code();
    roles.split(',').any(|role| role.trim() == administrator)
}

/// The ids of the enabled administrators, read with `$sql` in the transaction `$tx`.
macro_rules! administrators {
    ($tx:ident, $sql:expr) => {{
        let rows: Vec<(uuid::Uuid, String)> =
            sqlx::query_as($sql).fetch_all(&mut *$tx).await.map_err($crate::db_error)?;
        rows.into_iter()
            .filter(|(_, roles)| $crate::admin::administrators::holds_administrator(roles))
            .map(|(id, _)| id)
            .collect::<Vec<uuid::Uuid>>()
    }};
}

/// Runs `$write` (statements on `$tx`) for member `$member`, refusing it — `return`ing
/// `MemberWrite::LastAdministrator`, so the transaction is dropped unwritten — when the member
/// was an enabled administrator and none is left after it.
macro_rules! keeping_an_administrator {
    ($tx:ident, $member:expr, $write:block) => {{
        let locking = $crate::spelled(
            &*$tx,
            $crate::admin::administrators::ADMINISTRATORS,
            $crate::admin::administrators::ADMINISTRATORS_FOR_UPDATE,
        );
        let before = administrators!($tx, locking);
        $write
        if before.contains(&$member)
            && administrators!($tx, $crate::admin::administrators::ADMINISTRATORS).is_empty()
        {
            return Ok(domain::partnership::ports::MemberWrite::LastAdministrator);
        }
    }};
}

pub(super) use administrators;
pub(super) use keeping_an_administrator;

#[cfg(test)]
mod tests {
    #[test]
    fn the_role_is_read_exactly() {
        assert!(super::holds_administrator("police_officer,administrator"));
        assert!(!super::holds_administrator("police_officer,not_an_administrator"));
    }
}
