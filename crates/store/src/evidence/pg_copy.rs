//! The PostgreSQL import path: each table is streamed with `COPY … FROM STDIN (FORMAT csv)`
//! into a temporary staging table (dropped at commit), then upserted from there with one
//! `INSERT … SELECT … ON CONFLICT` — a round trip per megabyte instead of per row, and no
//! bind-parameter limit.

use sqlx::AssertSqlSafe;
use sqlx::postgres::{PgConnection, PgPool};

use super::import::{ImportRecord, Progress, insert_record};
use super::rows::{Cell, ExtractRows, Table};
use crate::db_error;
use domain::ports::StoreResult;

/// Bytes of CSV sent per COPY message.
const CHUNK: usize = 1 << 20;

/// One row as a CSV line: text always quoted (so an empty text is `""`, the empty string),
/// NULL as an empty unquoted field, which is how `FORMAT csv` tells them apart.
fn push_row(buf: &mut Vec<u8>, cells: &[Cell<'_>]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        match *cell {
            Cell::Null => {}
            Cell::Int(value) => buf.extend_from_slice(value.to_string().as_bytes()),
            Cell::Text(text) => {
                buf.push(b'"');
                for &byte in text.as_bytes() {
                    if byte == b'"' {
                        buf.push(b'"');
                    }
                    buf.push(byte);
                }
                buf.push(b'"');
            }
        }
    }
    buf.push(b'\n');
}

/// Copies every row of `table` into a staging table like it, then upserts them from there;
/// the rows inserted or changed.
async fn load_table<const W: usize, T: Table<W>>(
    conn: &mut PgConnection,
    table: &T,
    progress: Progress<'_>,
) -> StoreResult<u64> {
    let (name, columns) = (T::NAME, T::COLUMNS);
    let stage = format!("{name}_stage");
    sqlx::query(AssertSqlSafe(format!("CREATE TEMPORARY TABLE {stage} (LIKE {name}) ON COMMIT DROP")))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    let mut copy =
        conn.copy_in_raw(&format!("COPY {stage} ({columns}) FROM STDIN (FORMAT csv)")).await.map_err(db_error)?;
    let mut buf = Vec::with_capacity(CHUNK + 4096);
    let mut pending = 0u64;
    for i in 0..table.len() {
        push_row(&mut buf, &table.row(i));
        pending += 1;
        if buf.len() >= CHUNK {
            copy.send(buf.as_slice()).await.map_err(db_error)?;
            buf.clear();
            progress(pending);
            pending = 0;
        }
    }
    copy.send(buf.as_slice()).await.map_err(db_error)?;
    copy.finish().await.map_err(db_error)?;
    progress(pending);
    let upsert = format!("INSERT INTO {name} ({columns}) SELECT {columns} FROM {stage}{}", T::CONFLICT);
    let written = sqlx::query(AssertSqlSafe(upsert)).execute(&mut *conn).await.map_err(db_error)?.rows_affected();
    Ok(written)
}

/// Upserts the extract and records the import in one transaction; the rows inserted or
/// changed.
pub(super) async fn import(
    pool: &PgPool,
    rows: &ExtractRows<'_>,
    record: &ImportRecord<'_>,
    progress: Progress<'_>,
) -> StoreResult<u64> {
    let mut tx = pool.begin().await.map_err(db_error)?;
    let written = load_table(&mut tx, &rows.persons(), progress).await?
        + load_table(&mut tx, &rows.offences(), progress).await?
        + load_table(&mut tx, &rows.index_events(), progress).await?;
    insert_record!(tx, record, written);
    sqlx::query(super::BUMP_GENERATION).execute(&mut *tx).await.map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok(written)
}
