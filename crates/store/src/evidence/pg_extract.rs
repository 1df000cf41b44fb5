//! The PostgreSQL read path of the extract: each table streamed with `COPY (SELECT …) TO
//! STDOUT` in text format, in one repeatable-read transaction, and its lines split and fed to
//! the dataset builder as borrowed bytes — a round trip per megabyte, where decoding ten
//! million rows one by one through sqlx cost a value and an allocation per cell.

use std::borrow::Cow;

use ::evidence::dataset::{DatasetBuilder, Outcome, Sex};
use ::evidence::date::{Day, NO_DAY, parse_day};
use futures_util::TryStreamExt;
use sqlx::postgres::{PgConnection, PgPool};

use crate::{corrupt, db_error};
use domain::ports::StoreResult;

/// One line's cells: `None` for NULL (`\N`), escapes (`\\`, `\t`, `\n`, …) undone.
fn cells(line: &[u8]) -> Vec<Option<Cow<'_, [u8]>>> {
    line.split(|&b| b == b'\t')
        .map(|cell| match cell {
            b"\\N" => None,
            _ if !cell.contains(&b'\\') => Some(Cow::Borrowed(cell)),
            _ => Some(Cow::Owned(unescape(cell))),
        })
        .collect()
}

/// Undoes the text format's backslash escapes (the ones COPY writes: `\\`, `\b`, `\f`, `\n`,
/// `\r`, `\t`, `\v`; any other escaped byte stands for itself).
fn unescape(cell: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(cell.len());
    let mut bytes = cell.iter();
    while let Some(&b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.next() {
            Some(b'b') => out.push(0x08),
            Some(b'f') => out.push(0x0c),
            Some(b'n') => out.push(b'\n'),
            Some(b'r') => out.push(b'\r'),
            Some(b't') => out.push(b'\t'),
            Some(b'v') => out.push(0x0b),
            Some(&other) => out.push(other),
            None => out.push(b'\\'),
        }
    }
    out
}

fn text<'a>(cell: &'a Option<Cow<'_, [u8]>>) -> StoreResult<&'a str> {
    std::str::from_utf8(cell.as_deref().unwrap_or_default()).map_err(|e| corrupt("text", e))
}

fn day(cell: &Option<Cow<'_, [u8]>>) -> StoreResult<Day> {
    match cell.as_deref() {
        None => Ok(NO_DAY),
        Some(bytes) => parse_day(bytes).ok_or_else(|| corrupt("date", String::from_utf8_lossy(bytes))),
    }
}

/// Streams `COPY (query) TO STDOUT` and calls `each` with every line's cells.
async fn copy_lines(
    conn: &mut PgConnection,
    query: &str,
    width: usize,
    mut each: impl FnMut(&[Option<Cow<'_, [u8]>>]) -> StoreResult<()>,
) -> StoreResult<()> {
    let statement = format!("COPY ({query}) TO STDOUT");
    let mut stream = conn.copy_out_raw(&statement).await.map_err(db_error)?;
    let mut pending: Vec<u8> = Vec::new();
    while let Some(chunk) = stream.try_next().await.map_err(db_error)? {
        pending.extend_from_slice(&chunk);
        let mut start = 0;
        while let Some(length) = pending[start..].iter().position(|&b| b == b'\n') {
            let row = cells(&pending[start..start + length]);
            if row.len() != width {
                return Err(corrupt("row", format!("{} cells where {width} were expected", row.len())));
            }
            each(&row)?;
            start += length + 1;
        }
        pending.drain(..start);
    }
    if pending.is_empty() { Ok(()) } else { Err(corrupt("row", "an unfinished last line")) }
}

/// Reads the three tables into `b`, in one repeatable-read transaction so they agree.
pub(super) async fn read(pool: &PgPool, b: &mut DatasetBuilder) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(db_error)?;
    for set in ["SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", "SET LOCAL DateStyle = 'ISO, YMD'"] {
        sqlx::query(set).execute(&mut *tx).await.map_err(db_error)?;
    }
    copy_lines(&mut tx, "SELECT source_id, birth_date, sex, area FROM evidence_person ORDER BY source_id", 4, |c| {
        let sex =
            Sex::parse(c[2].as_deref().unwrap_or_default()).ok_or_else(|| corrupt("sex", text(&c[2]).unwrap_or("")))?;
        b.person(text(&c[0])?, day(&c[1])?, sex, text(&c[3])?).map_err(|e| corrupt("person", e))
    })
    .await?;
    let offences = "SELECT source_id, person_id, offence_date, outcome_date, outcome, offence_type, seriousness \
                    FROM evidence_offence";
    copy_lines(&mut tx, offences, 7, |c| {
        let outcome = Outcome::parse(c[4].as_deref().unwrap_or_default())
            .ok_or_else(|| corrupt("outcome", text(&c[4]).unwrap_or("")))?;
        let seriousness = match &c[6] {
            None => 0,
            Some(n) => text(&c[6])?.parse::<i64>().map_err(|_| corrupt("seriousness", String::from_utf8_lossy(n)))?,
        };
        let seriousness = seriousness.clamp(0, 10) as u8;
        b.offence(text(&c[0])?, text(&c[1])?, day(&c[2])?, day(&c[3])?, outcome, text(&c[5])?, seriousness)
            .map_err(|e| corrupt("offence", e))
    })
    .await?;
    let events = "SELECT person_id, index_date, kind, group_label FROM evidence_index_event";
    copy_lines(&mut tx, events, 4, |c| {
        b.index_event(text(&c[0])?, day(&c[1])?, text(&c[2])?, text(&c[3])?).map_err(|e| corrupt("index event", e))
    })
    .await?;
    tx.commit().await.map_err(db_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_cells_are_split_and_unescaped() {
        let row = cells(b"a\\tb\t\\N\t\tx\\\\y\\n");
        assert_eq!(row.len(), 4);
        assert_eq!(row[0].as_deref(), Some(&b"a\tb"[..]));
        assert_eq!(row[1], None);
        assert_eq!(row[2].as_deref(), Some(&b""[..]));
        assert_eq!(row[3].as_deref(), Some(&b"x\\y\n"[..]));
    }
}
