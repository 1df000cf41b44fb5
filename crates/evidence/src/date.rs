//! Civil dates as `i32` day numbers (days since 1970-01-01) for compact columns and fast
//! comparisons; calendar-month arithmetic is delegated to `jiff` so that the clamping rule of
//! the format ("2023-01-31 plus 1 month = 2023-02-28") is the well-tested library behaviour.

use jiff::civil::Date;

/// A civil date as days since 1970-01-01.
pub type Day = i32;

/// Marker for an unknown (empty) date in a date column.
pub const NO_DAY: Day = i32::MIN;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> Day {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day number.
pub fn civil_from_days(z: Day) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap_year(year) => 29,
        _ => 28,
    }
}

/// Parses exactly `YYYY-MM-DD` (the format's only date form) without allocating.
pub fn parse_day(bytes: &[u8]) -> Option<Day> {
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes[range].iter().try_fold(0u32, |acc, &b| b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0')))
    };
    let year = digits(0..4)? as i32;
    let month = digits(5..7)?;
    let day = digits(8..10)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// Parses `YYYY-MM-DD` from text, for options such as `--as-of`.
pub fn parse_date_arg(text: &str) -> Option<Day> {
    parse_day(text.trim().as_bytes())
}

/// Formats a day number as `YYYY-MM-DD`.
pub fn format_day(day: Day) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Appends `YYYY-MM-DD` to a byte buffer (for the fast CSV writers).
pub fn push_day(buf: &mut Vec<u8>, day: Day) {
    let (y, m, d) = civil_from_days(day);
    let y = y as u32;
    buf.extend_from_slice(&[
        b'0' + (y / 1000 % 10) as u8,
        b'0' + (y / 100 % 10) as u8,
        b'0' + (y / 10 % 10) as u8,
        b'0' + (y % 10) as u8,
        b'-',
        b'0' + (m / 10) as u8,
        b'0' + (m % 10) as u8,
        b'-',
        b'0' + (d / 10) as u8,
        b'0' + (d % 10) as u8,
    ]);
}

fn to_jiff(day: Day) -> Date {
    let (y, m, d) = civil_from_days(day);
    Date::new(y as i16, m as i8, d as i8).expect("day numbers in range are valid dates")
}

fn from_jiff(date: Date) -> Day {
    days_from_civil(i32::from(date.year()), date.month() as u32, date.day() as u32)
}

/// `day` plus `months` calendar months, the day clamped to the month's end
/// (2023-01-31 + 1 month = 2023-02-28; 2024-02-29 - 12 months = 2023-02-28).
pub fn add_months(day: Day, months: i32) -> Day {
    let span = jiff::Span::new().months(i64::from(months));
    from_jiff(to_jiff(day).checked_add(span).expect("month arithmetic stays within jiff's date range"))
}

/// A length of time in the rule language and the options: `5y`, `12m`, `30d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Period {
    Months(i32),
    Days(i32),
}

impl Period {
    /// Parses `5y` (= 60 months), `12m`, `30d`.
    pub fn parse(text: &str) -> Option<Period> {
        let text = text.trim();
        let (number, unit) = text.split_at(text.len().checked_sub(1)?);
        let n: i32 = number.parse().ok().filter(|n| *n >= 0)?;
        match unit {
            "y" => n.checked_mul(12).map(Period::Months),
            "m" => Some(Period::Months(n)),
            "d" => Some(Period::Days(n)),
            _ => None,
        }
    }

    /// `day` moved forward by this period.
    pub fn after(self, day: Day) -> Day {
        match self {
            Period::Months(m) => add_months(day, m),
            Period::Days(d) => day + d,
        }
    }

    /// `day` moved back by this period.
    pub fn before(self, day: Day) -> Day {
        match self {
            Period::Months(m) => add_months(day, -m),
            Period::Days(d) => day - d,
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Months(m) => write!(f, "{m}m"),
            Period::Days(d) => write!(f, "{d}d"),
        }
    }
}

/// Age in whole years on `on` of someone born on `birth`: the largest n with
/// `birth + 12n months <= on` (so someone born on 29 February turns a year older on 28 February
/// in common years, matching the month clamping used everywhere else).
pub fn age_in_years(birth: Day, on: Day) -> i32 {
    let (by, bm, bd) = civil_from_days(birth);
    let (oy, om, od) = civil_from_days(on);
    let mut age = oy - by;
    let birthday_this_year = bd.min(days_in_month(oy, bm));
    if (om, od) < (bm, birthday_this_year) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        parse_date_arg(s).unwrap()
    }

    #[test]
    fn day_numbers_round_trip_over_centuries() {
        for day in (-200_000..200_000).step_by(7) {
            let (y, m, dd) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, dd), day);
        }
        assert_eq!(d("1970-01-01"), 0);
        assert_eq!(d("2000-03-01") - d("2000-02-28"), 2);
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in ["2023-02-29", "2023-13-01", "2023-00-10", "2023-1-01", "23-01-01", "2023/01/01", ""] {
            assert_eq!(parse_day(bad.as_bytes()), None, "{bad}");
        }
        assert!(parse_day(b"2024-02-29").is_some());
    }

    #[test]
    fn months_clamp_to_the_end_of_the_month() {
        assert_eq!(format_day(add_months(d("2023-01-31"), 1)), "2023-02-28");
        assert_eq!(format_day(add_months(d("2024-02-29"), -12)), "2023-02-28");
        assert_eq!(format_day(add_months(d("2024-02-29"), 12)), "2025-02-28");
        assert_eq!(format_day(add_months(d("2024-02-29"), 48)), "2028-02-29");
        assert_eq!(format_day(add_months(d("2023-03-31"), -1)), "2023-02-28");
    }

    #[test]
    fn periods_parse_and_move_days() {
        assert_eq!(Period::parse("5y"), Some(Period::Months(60)));
        assert_eq!(Period::parse("12m"), Some(Period::Months(12)));
        assert_eq!(Period::parse("30d"), Some(Period::Days(30)));
        assert_eq!(Period::parse("5w"), None);
        assert_eq!(Period::parse("y"), None);
        assert_eq!(format_day(Period::Days(30).after(d("2024-02-01"))), "2024-03-02");
    }

    #[test]
    fn ages_count_whole_years_with_leap_day_birthdays() {
        assert_eq!(age_in_years(d("2000-06-15"), d("2018-06-14")), 17);
        assert_eq!(age_in_years(d("2000-06-15"), d("2018-06-15")), 18);
        assert_eq!(age_in_years(d("2000-02-29"), d("2018-02-27")), 17);
        assert_eq!(age_in_years(d("2000-02-29"), d("2018-02-28")), 18);
        assert_eq!(age_in_years(d("2000-02-29"), d("2020-02-28")), 19);
        assert_eq!(age_in_years(d("2000-02-29"), d("2020-02-29")), 20);
    }

    #[test]
    fn push_day_matches_format_day() {
        let mut buf = Vec::new();
        push_day(&mut buf, d("2024-02-29"));
        assert_eq!(buf, b"2024-02-29");
    }
}
