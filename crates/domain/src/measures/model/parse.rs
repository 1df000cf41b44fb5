//! Form text to values for the measures' commands; a bad value is a field error.

use crate::ids::PersonId;
use crate::service::ServiceResult;
use crate::validation::{FieldError, invalid};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

/// A civil date `YYYY-MM-DD`.
pub(crate) fn date(text: &str, field: &str) -> ServiceResult<Date> {
    crate::validation::parse_date(field, text).map_err(invalid)
}

/// A local date and time (`YYYY-MM-DDTHH:MM`, as a datetime-local input sends it) in `zone`;
/// empty means `now`.
pub(crate) fn local_instant(text: &str, zone: &TimeZone, now: Timestamp, field: &str) -> ServiceResult<Timestamp> {
    if text.trim().is_empty() {
        return Ok(now);
    }
    let local =
        text.trim().parse::<DateTime>().map_err(|_| invalid(FieldError::new(field, "error.measures.date_time")))?;
    if local.date() < crate::validation::EARLIEST_DATE || local.date() > crate::validation::LATEST_DATE {
        return Err(invalid(FieldError::new(field, "error.time.out_of_range")));
    }
    let candidates = zone.to_ambiguous_timestamp(local);
    // A time in the hour skipped when summer time starts does not exist; in the repeated
    // autumn hour the first is meant.
    if matches!(candidates.offset(), jiff::tz::AmbiguousOffset::Gap { .. }) {
        return Err(invalid(FieldError::new(field, "error.time.skipped")));
    }
    candidates.earlier().map_err(|_| invalid(FieldError::new(field, "error.measures.date_time")))
}

/// A whole number from 0 up to `u8::MAX` / `u16::MAX`.
pub(crate) fn number<T: std::str::FromStr>(text: &str, field: &str) -> ServiceResult<T> {
    text.trim().parse::<T>().map_err(|_| invalid(FieldError::new(field, "error.measures.number")))
}

/// Person numbers (as in the address of their page), one per line or separated by commas.
pub(crate) fn people(text: &str, field: &str) -> ServiceResult<Vec<PersonId>> {
    let mut found = Vec::new();
    for piece in text.split([',', '\n', ';', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
        let number = piece.rsplit('/').next().unwrap_or(piece);
        let id = uuid::Uuid::parse_str(number)
            .map_err(|_| invalid(FieldError::new(field, "error.measures.person_number")))?;
        let id = PersonId::from_uuid(id);
        if !found.contains(&id) {
            found.push(id);
        }
    }
    Ok(found)
}

/// One person number.
pub(crate) fn person(text: &str, field: &str) -> ServiceResult<PersonId> {
    match people(text, field)?.as_slice() {
        [one] => Ok(*one),
        _ => Err(invalid(FieldError::new(field, "error.measures.person_number"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_numbers_are_read_from_lines_commas_or_page_addresses() {
        let a = "0192f0c1-0000-7000-8000-000000000001";
        let b = "0192f0c1-0000-7000-8000-000000000002";
        let found = people(&format!("{a}\n /people/{b} ,{a}"), "victims").unwrap();
        assert_eq!(found.len(), 2);
        assert!(people("not a number", "victims").is_err());
        assert!(person("", "person").is_err());
        assert!(people("", "children").unwrap().is_empty());
    }

    #[test]
    fn local_times_are_read_in_the_zone_and_empty_means_now() {
        let zone = TimeZone::get("Europe/Amsterdam").unwrap();
        let now: Timestamp = "2026-03-20T12:00:00Z".parse().unwrap();
        assert_eq!(local_instant("", &zone, now, "imposed_at").unwrap(), now);
        let at = local_instant("2026-03-20T22:00", &zone, now, "imposed_at").unwrap();
        assert_eq!(at, "2026-03-20T21:00:00Z".parse::<Timestamp>().unwrap());
        assert!(local_instant("yesterday", &zone, now, "imposed_at").is_err());
        assert!(number::<u8>("300", "weeks").is_err());
        assert!(date("2026-02-30", "ends_on").is_err());
    }
}
