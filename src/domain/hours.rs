//! Opening hours: whether a location is open at a moment, in its own time zone.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

/// One opening range on an ISO weekday (1 = Monday … 7 = Sunday).
#[derive(Clone, Copy, Debug)]
pub struct Range {
    pub weekday: i16,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

/// Parses an IANA time-zone name such as `America/Chicago`.
pub fn time_zone(name: &str) -> Option<Tz> {
    name.parse().ok()
}

/// Whether a location with these ranges and closed dates is open at `at`, read
/// in `tz`: the local date is not a closure and the local time falls inside a
/// range of that weekday (opening time included, closing time excluded).
pub fn is_open_at(tz: Tz, ranges: &[Range], closed_on: &[NaiveDate], at: DateTime<Utc>) -> bool {
    let local = at.with_timezone(&tz);
    let date = local.date_naive();
    if closed_on.contains(&date) {
        return false;
    }
    let weekday = i16::try_from(date.weekday().number_from_monday()).unwrap_or_default();
    let time = local.time();
    ranges
        .iter()
        .any(|r| r.weekday == weekday && r.opens <= time && time < r.closes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    // Wednesday with a lunch break.
    const WED: i16 = 3;

    fn ranges() -> Vec<Range> {
        vec![
            Range {
                weekday: WED,
                opens: t(8, 0),
                closes: t(12, 0),
            },
            Range {
                weekday: WED,
                opens: t(13, 0),
                closes: t(18, 0),
            },
        ]
    }

    #[test]
    fn open_hours_are_read_in_the_location_time_zone() {
        let tz: Tz = "America/Denver".parse().unwrap();
        // 2026-11-25 is a Wednesday; Denver is UTC-7 in November.
        let at = |h, m| Utc.with_ymd_and_hms(2026, 11, 25, h, m, 0).unwrap();
        assert!(!is_open_at(tz, &ranges(), &[], at(14, 59)), "07:59 local");
        assert!(is_open_at(tz, &ranges(), &[], at(15, 0)), "08:00 local");
        assert!(
            !is_open_at(tz, &ranges(), &[], at(19, 30)),
            "12:30 local, lunch"
        );
        assert!(is_open_at(tz, &ranges(), &[], at(20, 0)), "13:00 local");
        assert!(
            !is_open_at(tz, &ranges(), &[], at(1, 0)),
            "18:00 local, closed"
        );
    }

    #[test]
    fn a_closure_closes_the_whole_day() {
        let tz: Tz = "America/Chicago".parse().unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 25, 16, 0, 0).unwrap();
        let wednesday = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert!(is_open_at(tz, &ranges(), &[], at));
        assert!(!is_open_at(tz, &ranges(), &[wednesday], at));
    }
}
