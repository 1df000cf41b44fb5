//! Column types shared by both backends. Instants are UTC: `INTEGER` microseconds since the
//! Unix epoch in SQLite (sortable, exact), native `timestamptz` in PostgreSQL. Civil dates are
//! `TEXT` `YYYY-MM-DD` in SQLite (sorts like a date) and native `date` in PostgreSQL.

use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgTypeInfo, PgValueRef};
use sqlx::sqlite::SqliteValueRef;
use sqlx::{Decode, Encode, Postgres, Sqlite, Type};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant(pub Timestamp);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub Date);

/// PostgreSQL counts timestamps from 2000-01-01 UTC and dates from 2000-01-01.
const PG_EPOCH_UNIX_MICROS: i64 = 946_684_800_000_000;
const PG_EPOCH_DATE: Date = jiff::civil::date(2000, 1, 1);

impl Instant {
    fn unix_micros(self) -> i64 {
        self.0.as_microsecond()
    }
    fn from_unix_micros(micros: i64) -> Result<Self, BoxDynError> {
        Ok(Instant(Timestamp::from_microsecond(micros)?))
    }
}

impl Type<Sqlite> for Instant {
    fn type_info() -> <Sqlite as sqlx::Database>::TypeInfo {
        <i64 as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &<Sqlite as sqlx::Database>::TypeInfo) -> bool {
        <i64 as Type<Sqlite>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Sqlite> for Instant {
    fn encode_by_ref(&self, buf: &mut <Sqlite as sqlx::Database>::ArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <i64 as Encode<'q, Sqlite>>::encode(self.unix_micros(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Instant {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        Instant::from_unix_micros(<i64 as Decode<Sqlite>>::decode(value)?)
    }
}

impl Type<Postgres> for Instant {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_name("timestamptz")
    }
}

impl<'q> Encode<'q, Postgres> for Instant {
    fn encode_by_ref(&self, buf: &mut <Postgres as sqlx::Database>::ArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <i64 as Encode<'q, Postgres>>::encode(self.unix_micros() - PG_EPOCH_UNIX_MICROS, buf)
    }
}

impl<'r> Decode<'r, Postgres> for Instant {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        // Binary protocol: i64 microseconds since the PostgreSQL epoch.
        Instant::from_unix_micros(<i64 as Decode<Postgres>>::decode(value)? + PG_EPOCH_UNIX_MICROS)
    }
}

impl Type<Sqlite> for Day {
    fn type_info() -> <Sqlite as sqlx::Database>::TypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &<Sqlite as sqlx::Database>::TypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Sqlite> for Day {
    fn encode_by_ref(&self, buf: &mut <Sqlite as sqlx::Database>::ArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <String as Encode<'q, Sqlite>>::encode(self.0.to_string(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Day {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Day(<&str as Decode<Sqlite>>::decode(value)?.parse()?))
    }
}

impl Type<Postgres> for Day {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_name("date")
    }
}

impl<'q> Encode<'q, Postgres> for Day {
    fn encode_by_ref(&self, buf: &mut <Postgres as sqlx::Database>::ArgumentBuffer) -> Result<IsNull, BoxDynError> {
        let days = (self.0 - PG_EPOCH_DATE).get_days();
        <i32 as Encode<'q, Postgres>>::encode(days, buf)
    }
}

impl<'r> Decode<'r, Postgres> for Day {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        let days = <i32 as Decode<Postgres>>::decode(value)?;
        Ok(Day(PG_EPOCH_DATE.checked_add(jiff::Span::new().days(days))?))
    }
}
