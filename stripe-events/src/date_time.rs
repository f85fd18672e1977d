//! RFC 3339 dates and times (`format: date-time` in Stripe's v2 spec: a thin event's `created`,
//! dates in its fetched `data`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::json::{Error, ErrorKind, FromJson, Parser};

/// An instant written as an RFC 3339 string (`2025-12-15T09:30:00.123Z`), as Stripe's v2 API
/// writes times. Kept as seconds and nanoseconds since the Unix epoch (UTC); an offset other
/// than `Z` is applied, so two strings for the same instant compare equal.
///
/// ```
/// use stripe_events::DateTime;
///
/// let t: DateTime = "2025-12-15T09:30:00.25+01:00".parse()?;
/// assert_eq!(t.unix_seconds(), 1_765_787_400);
/// assert_eq!(t.subsec_nanos(), 250_000_000);
/// assert_eq!(t.to_string(), "2025-12-15T08:30:00.25Z");
/// assert!("2025-12-15 09:30:00".parse::<DateTime>().is_err());
/// # Ok::<(), stripe_events::DateTimeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    secs: i64,
    nanos: u32,
}

/// Why a string is not an RFC 3339 date and time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeError {
    /// The string, as given.
    pub input: String,
}

impl std::fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} is not an RFC 3339 date and time (YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM))",
            self.input
        )
    }
}

impl std::error::Error for DateTimeError {}

impl DateTime {
    /// The instant `secs` seconds and `nanos` nanoseconds after the Unix epoch; `None` when
    /// `nanos` is a second or more.
    pub fn from_unix(secs: i64, nanos: u32) -> Option<Self> {
        (nanos < 1_000_000_000).then_some(Self { secs, nanos })
    }

    /// Whole seconds since the Unix epoch (negative before it).
    pub fn unix_seconds(self) -> i64 {
        self.secs
    }

    /// The fraction of the second, in nanoseconds.
    pub fn subsec_nanos(self) -> u32 {
        self.nanos
    }

    /// The same instant as a [`SystemTime`].
    pub fn to_system_time(self) -> SystemTime {
        let whole = Duration::from_secs(self.secs.unsigned_abs());
        let base = if self.secs >= 0 {
            UNIX_EPOCH + whole
        } else {
            UNIX_EPOCH - whole
        };
        base + Duration::from_nanos(u64::from(self.nanos))
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS`, an optional fraction of up to nine digits, and `Z` or an
    /// offset `±HH:MM` (`t` and `z` in lower case too, as RFC 3339 allows). A leap second
    /// (`:60`) reads as the second after it.
    fn parse(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        let digits = |range: std::ops::Range<usize>| -> Option<i64> {
            let part = b.get(range)?;
            part.iter()
                .all(u8::is_ascii_digit)
                .then(|| part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
        };
        let sep = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
        if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt") && sep(13, b":") && sep(16, b":")) {
            return None;
        }
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
        let valid_day = (1..=days_in_month(year, month)?).contains(&day);
        if !valid_day || hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let mut i = 19;
        let mut nanos = 0u32;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            i = start;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let count = i - start;
            if count == 0 || count > 9 {
                return None;
            }
            let fraction = u32::try_from(digits(start..i)?).ok()?;
            nanos = fraction * 10u32.pow(9 - u32::try_from(count).ok()?);
        }
        let offset = match &b[i..] {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
                let (h, m) = (digits(i + 1..i + 3)?, digits(i + 4..i + 6)?);
                if h > 23 || m > 59 {
                    return None;
                }
                let minutes = h * 60 + m;
                if *sign == b'-' { -minutes } else { minutes }
            }
            _ => return None,
        };
        let days = days_from_civil(year, month, day);
        let secs = days * 86_400 + hour * 3_600 + minute * 60 + second - offset * 60;
        Some(Self { secs, nanos })
    }
}

/// The number of days of `month` in `year` (proleptic Gregorian); `None` for no such month.
fn days_in_month(year: i64, month: i64) -> Option<i64> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    Some(match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    })
}

/// Days from 1970-01-01 to `year-month-day` (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `(year, month, day)` of the day `days` after 1970-01-01 (the inverse of
/// [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl std::str::FromStr for DateTime {
    type Err = DateTimeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| DateTimeError {
            input: s.to_owned(),
        })
    }
}

/// RFC 3339 in UTC (`Z`), with as many fraction digits as the instant needs (none for whole
/// seconds). RFC 3339 has four-digit years: an instant outside the years 0000-9999 (only
/// [`DateTime::from_unix`] makes one) is written with its year as a plain number.
impl std::fmt::Display for DateTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (year, month, day) = civil_from_days(self.secs.div_euclid(86_400));
        let in_day = self.secs.rem_euclid(86_400);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            in_day / 3_600,
            in_day / 60 % 60,
            in_day % 60
        )?;
        if self.nanos != 0 {
            let fraction = format!("{:09}", self.nanos);
            write!(f, ".{}", fraction.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

impl FromJson for DateTime {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        let at = p.position();
        let s = p.parse_str()?;
        Self::parse(&s).ok_or_else(|| {
            let reason = DateTimeError {
                input: s.into_owned(),
            };
            Error::new(ErrorKind::Custom(reason.to_string()), at)
        })
    }
}

#[cfg(feature = "serialize")]
impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Option<DateTime> {
        s.parse().ok()
    }

    #[test]
    fn reads_utc_offsets_and_fractions() {
        let t = parse("2025-12-15T09:30:00Z").unwrap();
        assert_eq!((t.unix_seconds(), t.subsec_nanos()), (1_765_791_000, 0));
        assert_eq!(parse("2025-12-15t09:30:00z"), Some(t));
        assert_eq!(parse("2025-12-15T10:30:00+01:00"), Some(t));
        assert_eq!(parse("2025-12-15T04:00:00-05:30"), Some(t));
        let ms = parse("2025-12-15T09:30:00.123Z").unwrap();
        assert_eq!(ms.subsec_nanos(), 123_000_000);
        assert_eq!(
            parse("2025-12-15T09:30:00.123456789Z")
                .unwrap()
                .subsec_nanos(),
            123_456_789
        );
        assert_eq!(parse("1970-01-01T00:00:00Z").unwrap().unix_seconds(), 0);
        assert_eq!(parse("1969-12-31T23:59:59Z").unwrap().unix_seconds(), -1);
        assert_eq!(
            parse("2000-02-29T00:00:00Z").unwrap().unix_seconds(),
            951_782_400
        );
        assert_eq!(
            parse("2016-12-31T23:59:60Z").unwrap().unix_seconds(),
            parse("2017-01-01T00:00:00Z").unwrap().unix_seconds()
        );
    }

    #[test]
    fn refuses_what_is_not_rfc_3339() {
        for bad in [
            "",
            "2025-12-15",
            "2025-12-15T09:30:00",
            "2025-12-15 09:30:00Z",
            "2025-13-01T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2025-12-32T00:00:00Z",
            "2025-12-15T24:00:00Z",
            "2025-12-15T09:60:00Z",
            "2025-12-15T09:30:00.Z",
            "2025-12-15T09:30:00.1234567890Z",
            "2025-12-15T09:30:00+0100",
            "2025-12-15T09:30:00+24:00",
            "2025-12-15T09:30:00Zjunk",
            "+2025-12-15T09:30:00Z",
            "2025-1a-15T09:30:00Z",
            "1765791000",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        let err = "nope".parse::<DateTime>().unwrap_err();
        assert!(
            err.to_string().starts_with("\"nope\" is not an RFC 3339"),
            "{err}"
        );
    }

    #[test]
    fn displays_utc_with_the_fraction_it_needs_and_round_trips() {
        for (input, shown) in [
            ("2025-12-15T09:30:00Z", "2025-12-15T09:30:00Z"),
            ("2025-12-15T09:30:00.500Z", "2025-12-15T09:30:00.5Z"),
            (
                "2025-12-15T10:30:00.000001+01:00",
                "2025-12-15T09:30:00.000001Z",
            ),
            ("1969-12-31T23:59:59.9Z", "1969-12-31T23:59:59.9Z"),
            ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
            ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"),
        ] {
            let t = parse(input).unwrap();
            assert_eq!(t.to_string(), shown, "{input}");
            assert_eq!(parse(shown), Some(t), "{input}");
        }
        // Days from 0001-01-01 to 9999-12-31 go through the calendar both ways.
        for days in (-719_162..=2_932_896).step_by(61) {
            let t = DateTime::from_unix(days * 86_400 + 3_661, 0).unwrap();
            assert_eq!(parse(&t.to_string()), Some(t), "{t}");
        }
    }

    #[test]
    fn json_strings_parse_and_other_values_are_errors_with_the_reason() {
        let t: DateTime = crate::json::from_slice(br#""2025-12-15T09:30:00Z""#).unwrap();
        assert_eq!(t.unix_seconds(), 1_765_791_000);
        assert_eq!(
            t.to_system_time(),
            UNIX_EPOCH + Duration::from_secs(1_765_791_000)
        );
        let err = crate::json::from_slice::<DateTime>(br#""yesterday""#).unwrap_err();
        assert!(err.reason().contains("not an RFC 3339"), "{}", err.reason());
        assert!(crate::json::from_slice::<DateTime>(b"1765791000").is_err());
        assert_eq!(DateTime::from_unix(0, 1_000_000_000), None);
    }
}
