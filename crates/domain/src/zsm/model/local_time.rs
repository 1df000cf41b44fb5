//! Local date-times as officers write them (`2026-01-15T21:00`), read in the jurisdiction's
//! time zone, where summer time makes one hour a year happen twice and one not at all.

use jiff::Timestamp;
use jiff::civil::DateTime;

use crate::jurisdiction::JurisdictionPack;

/// Why a local date-time was refused: the message key for the form.
pub type LocalTimeError = &'static str;

/// Parses a local date-time (`2026-01-15T21:00`, seconds optional) in the pack's time zone.
/// A time in the hour that repeats when summer time ends is read as the first of the two; a
/// time in the hour skipped when summer time starts does not exist and is refused.
pub fn parse_local_time(raw: &str, pack: &JurisdictionPack) -> Result<Timestamp, LocalTimeError> {
    parse_local_time_from(raw, pack, None)
}

/// Like [`parse_local_time`], but a time in the repeated autumn hour is read as the first of
/// its two instants that is not before `not_before`. An officer who writes "02:53" for an
/// arrest and "02:03" for the arrival on the night the clocks go back means the second 02:03
/// (an hour later), not a time before the arrest; the form has no other way to say so.
pub fn parse_local_time_from(
    raw: &str,
    pack: &JurisdictionPack,
    not_before: Option<Timestamp>,
) -> Result<Timestamp, LocalTimeError> {
    let invalid = "zsm.error.time_invalid";
    // A partner system sends an instant with its offset (RFC 3339): no reading of a local
    // time is needed, and none of summer time's ambiguity arises.
    if let Ok(instant) = raw.trim().parse::<Timestamp>() {
        let date = instant.to_zoned(pack.time_zone.clone()).date();
        if date < crate::validation::EARLIEST_DATE || date > crate::validation::LATEST_DATE {
            return Err("error.time.out_of_range");
        }
        return Ok(instant);
    }
    let civil: DateTime = raw.trim().replace(' ', "T").parse().map_err(|_| invalid)?;
    if civil.date() < crate::validation::EARLIEST_DATE || civil.date() > crate::validation::LATEST_DATE {
        return Err("error.time.out_of_range");
    }
    let candidates = pack.time_zone.to_ambiguous_timestamp(civil);
    match candidates.offset() {
        jiff::tz::AmbiguousOffset::Gap { .. } => Err("error.time.skipped"),
        jiff::tz::AmbiguousOffset::Fold { .. } => {
            let first = candidates.earlier().map_err(|_| invalid)?;
            match not_before {
                Some(bound) if first < bound => candidates.later().map_err(|_| invalid),
                _ => Ok(first),
            }
        }
        jiff::tz::AmbiguousOffset::Unambiguous { .. } => candidates.compatible().map_err(|_| invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jurisdiction::shipped_pack;

    #[test]
    fn local_times_are_read_in_the_pack_zone_across_dst() {
        let nl = shipped_pack("nl").unwrap();
        assert_eq!(parse_local_time("2026-01-15T21:00", nl), Ok("2026-01-15T20:00:00Z".parse().unwrap()));
        assert_eq!(parse_local_time("2026-07-15 21:00", nl), Ok("2026-07-15T19:00:00Z".parse().unwrap()));
        assert_eq!(parse_local_time("yesterday", nl), Err("zsm.error.time_invalid"));
        assert_eq!(parse_local_time("9999-01-15T21:00", nl), Err("error.time.out_of_range"));
    }

    #[test]
    fn an_instant_with_its_offset_is_taken_as_it_is() {
        let nl = shipped_pack("nl").unwrap();
        assert_eq!(parse_local_time("2026-01-15T21:00:00+01:00", nl), Ok("2026-01-15T20:00:00Z".parse().unwrap()));
        assert_eq!(parse_local_time("2026-10-25T01:03:00Z", nl), Ok("2026-10-25T01:03:00Z".parse().unwrap()));
        assert_eq!(parse_local_time("9999-01-15T21:00:00Z", nl), Err("error.time.out_of_range"));
    }

    #[test]
    fn a_time_in_the_repeated_autumn_hour_is_the_first_unless_that_is_before_its_bound() {
        let nl = shipped_pack("nl").unwrap();
        // 25 October 2026: 03:00 CEST becomes 02:00 CET, so 02:03 happens twice.
        let first: Timestamp = "2026-10-25T00:03:00Z".parse().unwrap();
        let second: Timestamp = "2026-10-25T01:03:00Z".parse().unwrap();
        assert_eq!(parse_local_time("2026-10-25T02:03", nl), Ok(first));
        let arrest: Timestamp = "2026-10-25T00:53:00Z".parse().unwrap();
        assert_eq!(parse_local_time_from("2026-10-25T02:03", nl, Some(arrest)), Ok(second));
        assert_eq!(parse_local_time_from("2026-10-25T02:03", nl, Some(first)), Ok(first));
        // Outside the fold the bound changes nothing: a real error stays an error.
        assert_eq!(
            parse_local_time_from("2026-10-24T02:03", nl, Some(arrest)),
            Ok("2026-10-24T00:03:00Z".parse().unwrap())
        );
        // 29 March 2026: 02:00 CET becomes 03:00 CEST, so 02:30 never happens: refused.
        assert_eq!(parse_local_time("2026-03-29T02:30", nl), Err("error.time.skipped"));
    }
}
