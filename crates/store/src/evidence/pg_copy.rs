//! The PostgreSQL import path: each table is streamed with `COPY … FROM STDIN (FORMAT csv)`
//! into a temporary staging table (dropped at commit), then upserted from there with one
//! `INSERT … SELECT … ON CONFLICT` — a round trip per megabyte instead of per row, and no
//! bind-parameter limit.

use sqlx::AssertSqlSafe;
use sqlx::postgres::{PgConnection, PgPool};

use super::import::{ImportOf, Progress, insert_record, source_error};
use super::rows::{Cell, EventRows, OffenceRows, PersonRows, Table, Texts};
use crate::db_error;
use ::evidence::extract::{ExtractSource, Tally};
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

/// Copies every row of `rows` into a staging table like `T`'s, then upserts them from there;
/// the rows inserted or changed.
async fn load_table<const W: usize, T: Table<W>>(
    conn: &mut PgConnection,
    texts: &Texts,
    rows: impl Iterator<Item = ::evidence::Result<T::Row>>,
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
    for row in rows {
        push_row(&mut buf, &T::cells(texts, &row.map_err(source_error)?));
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
/// changed, and the source's tally. The source is read as it is copied, so neither side
/// holds the extract.
pub(super) async fn import(
    pool: &PgPool,
    extract: &mut dyn ExtractSource,
    texts: &Texts,
    of: ImportOf<'_>,
    progress: Progress<'_>,
) -> StoreResult<(u64, Tally)> {
    let mut tx = pool.begin().await.map_err(db_error)?;
    let persons = (0..texts.person_count() as u32).map(Ok);
    let mut written = load_table::<4, PersonRows>(&mut tx, texts, persons, progress).await?;
    let offences = extract.offences_by_id().map_err(source_error)?;
    written += load_table::<7, OffenceRows>(&mut tx, texts, offences, progress).await?;
    let events = extract.index_events().map_err(source_error)?;
    written += load_table::<5, EventRows>(&mut tx, texts, events, progress).await?;
    let tally = extract.finish().map_err(source_error)?;
    insert_record!(tx, of, tally, written);
    sqlx::query(super::BUMP_GENERATION).execute(&mut *tx).await.map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok((written, tally))
}
