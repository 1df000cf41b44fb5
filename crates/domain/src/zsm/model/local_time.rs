//! Local date-times as officers write them (`2026-01-15T21:00`), read in the jurisdiction's
//! time zone, where summer time makes one hour a year happen twice and one not at all.

use jiff::Timestamp;
use jiff::civil::DateTime;

use crate::jurisdiction::JurisdictionPack;

/// Parses a local date-time (`2026-01-15T21:00`, seconds optional) in the pack's time zone.
/// A time in the hour that repeats when summer time ends is read as the first of the two.
pub fn parse_local_time(raw: &str, pack: &JurisdictionPack) -> Option<Timestamp> {
    parse_local_time_from(raw, pack, None)
}

/// Like [`parse_local_time`], but a time in the repeated autumn hour is read as the first of
/// its two instants that is not before `not_before`. An officer who writes "02:53" for an
/// arrest and "02:03" for the arrival on the night the clocks go back means the second 02:03
/// (an hour later), not a time before the arrest; the form has no other way to say so.
pub fn parse_local_time_from(raw: &str, pack: &JurisdictionPack, not_before: Option<Timestamp>) -> Option<Timestamp> {
    let civil: DateTime = raw.trim().replace(' ', "T").parse().ok()?;
    let candidates = pack.time_zone.to_ambiguous_timestamp(civil);
    // "Compatible": the earlier instant in a fold, the later in the skipped spring hour.
    let compatible = candidates.compatible().ok()?;
    let in_fold = matches!(candidates.offset(), jiff::tz::AmbiguousOffset::Fold { .. });
    match not_before {
        Some(bound) if in_fold && compatible < bound => candidates.later().ok(),
        _ => Some(compatible),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jurisdiction::shipped_pack;

    #[test]
    fn local_times_are_read_in_the_pack_zone_across_dst() {
        let nl = shipped_pack("nl").unwrap();
        assert_eq!(parse_local_time("2026-01-15T21:00", nl), Some("2026-01-15T20:00:00Z".parse().unwrap()));
        assert_eq!(parse_local_time("2026-07-15 21:00", nl), Some("2026-07-15T19:00:00Z".parse().unwrap()));
        assert_eq!(parse_local_time("yesterday", nl), None);
    }

    #[test]
    fn a_time_in_the_repeated_autumn_hour_is_the_first_unless_that_is_before_its_bound() {
        let nl = shipped_pack("nl").unwrap();
        // 25 October 2026: 03:00 CEST becomes 02:00 CET, so 02:03 happens twice.
        let first: Timestamp = "2026-10-25T00:03:00Z".parse().unwrap();
        let second: Timestamp = "2026-10-25T01:03:00Z".parse().unwrap();
        assert_eq!(parse_local_time("2026-10-25T02:03", nl), Some(first));
        let arrest: Timestamp = "2026-10-25T00:53:00Z".parse().unwrap();
        assert_eq!(parse_local_time_from("2026-10-25T02:03", nl, Some(arrest)), Some(second));
        assert_eq!(parse_local_time_from("2026-10-25T02:03", nl, Some(first)), Some(first));
        // Outside the fold the bound changes nothing: a real error stays an error.
        assert_eq!(
            parse_local_time_from("2026-10-24T02:03", nl, Some(arrest)),
            Some("2026-10-24T00:03:00Z".parse().unwrap())
        );
        // The skipped spring hour still resolves forward, as before.
        assert_eq!(parse_local_time("2026-03-29T02:30", nl), Some("2026-03-29T01:30:00Z".parse().unwrap()));
    }
}
