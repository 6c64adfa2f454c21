//! Opening hours: whether a location is open at a moment, in its own time zone,
//! and whether a week of hours typed by staff makes sense.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use super::validate::{Code, Field, Problems};

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

/// Parses `HH:MM` on a 24-hour clock, two digits each (`08:30`, `17:00`).
pub fn parse_hhmm(text: &str) -> Option<NaiveTime> {
    let bytes = text.as_bytes();
    let digits = [0, 1, 3, 4]
        .iter()
        .all(|&i| bytes.get(i).is_some_and(u8::is_ascii_digit));
    if bytes.len() != 5 || bytes[2] != b':' || !digits {
        return None;
    }
    NaiveTime::parse_from_str(text, "%H:%M").ok()
}

/// One range of a week as staff typed it.
#[derive(Clone, Debug)]
pub struct RangeInput {
    /// ISO weekday, 1 = Monday.
    pub weekday: i16,
    /// `HH:MM`.
    pub opens: String,
    /// `HH:MM`.
    pub closes: String,
}

/// Checks a whole week: times in `HH:MM`, each range closing after it opens,
/// and no two ranges of a day overlapping (touching is fine: 08:00–12:00 then
/// 12:00–18:00). The problems of `ranges[i]` go under `field.at(i)`.
pub fn check_week(ranges: &[RangeInput], field: &Field, p: &mut Problems) -> Vec<Range> {
    let mut valid: Vec<(usize, Range)> = Vec::with_capacity(ranges.len());
    for (i, r) in ranges.iter().enumerate() {
        let at = field.at(i);
        if !(1..=7).contains(&r.weekday) {
            p.add(
                &at.at("weekday"),
                Code::OutOfRange,
                "must be 1 (Monday) to 7 (Sunday)",
            );
        }
        let opens = parse_hhmm(r.opens.trim());
        let closes = parse_hhmm(r.closes.trim());
        for (name, parsed) in [("opens", opens), ("closes", closes)] {
            if parsed.is_none() {
                p.add(
                    &at.at(name),
                    Code::InvalidFormat,
                    "must be a time as HH:MM, e.g. 08:30",
                );
            }
        }
        if let (Some(opens), Some(closes)) = (opens, closes) {
            if closes <= opens {
                p.add(
                    &at.at("closes"),
                    Code::OutOfRange,
                    "must be after the opening time",
                );
            } else if (1..=7).contains(&r.weekday) {
                let range = Range {
                    weekday: r.weekday,
                    opens,
                    closes,
                };
                valid.push((i, range));
            }
        }
    }
    // By day and opening time, each range must open once every earlier range
    // of its day has closed.
    let mut sorted = valid.clone();
    sorted.sort_by_key(|(i, r)| (r.weekday, r.opens, *i));
    let mut latest: Option<(usize, Range)> = None;
    for (i, r) in sorted {
        match latest {
            Some((j, prev)) if prev.weekday == r.weekday && r.opens < prev.closes => {
                let (first, second) = (i.min(j), i.max(j));
                p.add(
                    &field.at(second),
                    Code::OutOfRange,
                    format!(
                        "overlaps hours[{first}] ({}\u{2013}{}) on the same day",
                        prev.opens.format("%H:%M"),
                        prev.closes.format("%H:%M")
                    ),
                );
                if r.closes > prev.closes {
                    latest = Some((i, r));
                }
            }
            _ => latest = Some((i, r)),
        }
    }
    valid.into_iter().map(|(_, r)| r).collect()
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

    #[test]
    fn a_week_is_checked_for_format_order_and_overlaps() {
        let range = |weekday, opens: &str, closes: &str| RangeInput {
            weekday,
            opens: opens.into(),
            closes: closes.into(),
        };
        let field = Field::new(&["hours"]);
        let mut p = Problems::default();
        let week = [
            range(1, "08:00", "12:00"),
            range(1, "12:00", "18:00"),
            range(2, "8:00", "25:00"),
            range(3, "18:00", "09:00"),
            range(1, "11:30", "13:00"),
            range(4, "09:00", "17:00"),
        ];
        let ok = check_week(&week, &field, &mut p);
        let found: Vec<(Vec<String>, Code)> = p
            .as_slice()
            .iter()
            .map(|p| (p.field.segments().to_vec(), p.code))
            .collect();
        let at = |path: &[&str]| path.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            found,
            [
                (at(&["hours", "2", "opens"]), Code::InvalidFormat),
                (at(&["hours", "2", "closes"]), Code::InvalidFormat),
                (at(&["hours", "3", "closes"]), Code::OutOfRange),
                // 11:30–13:00 overlaps both 08:00–12:00 and 12:00–18:00.
                (at(&["hours", "4"]), Code::OutOfRange),
                (at(&["hours", "4"]), Code::OutOfRange),
            ]
        );
        assert_eq!(ok.len(), 4);
        assert_eq!(parse_hhmm("07:05"), Some(t(7, 5)));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(parse_hhmm("7:05"), None);
    }
}
