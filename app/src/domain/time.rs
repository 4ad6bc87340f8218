//! Timestamps are milliseconds since the Unix epoch everywhere (portable across
//! databases); this formats them identically on the server and in the browser, and
//! puts them on the wire as RFC 3339 strings.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An instant, stored as Unix milliseconds, written as RFC 3339 on the wire and as
/// `2026-11-22 17:08 UTC` for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn millis(self) -> i64 {
        self.0
    }

    pub fn rfc3339(self) -> String {
        format_rfc3339(self.0)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_utc(self.0))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_rfc3339(self.0))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        parse_rfc3339(&raw).map(Timestamp).ok_or_else(|| serde::de::Error::custom(format!("'{raw}' is not an RFC 3339 date-time")))
    }
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` into Unix milliseconds.
pub fn parse_rfc3339(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let b = raw.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = raw.get(range)?;
        part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok()).flatten()
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &raw[19..];
    let mut millis = 0i64;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let padded = format!("{:0<3}", &fraction[..digits.min(3)]);
        millis = padded.parse().ok()?;
        rest = &fraction[digits..];
    }
    let offset_minutes = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let offset = rest.get(1..)?;
            let (h, m) = offset.split_once(':')?;
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            sign * (h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?)
        }
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// (year, month, day) to days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2026-11-22 17:08 UTC`
pub fn format_utc(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let secs_of_day = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", secs_of_day / 3600, (secs_of_day % 3600) / 60)
}

/// `2026-11-22T17:08:05Z` (RFC 3339, second precision).
pub fn format_rfc3339(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let s = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) = (s / 3600, (s % 3600) / 60, s % 60);
    // Milliseconds only when there are some, so the round trip through the browser is
    // exact (the console sorts and hydrates from these values).
    match unix_ms.rem_euclid(1000) {
        0 => format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z"),
        ms => format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{ms:03}Z"),
    }
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_it_formats_and_common_variants() {
        for ms in [0, 951_782_400_000, 1_795_367_285_000, -1000] {
            assert_eq!(parse_rfc3339(&format_rfc3339(ms)), Some(ms));
        }
        assert_eq!(parse_rfc3339("2026-11-22T18:08:05+01:00"), Some(1_795_367_285_000));
        assert_eq!(parse_rfc3339("2026-11-22T17:08:05.25Z"), Some(1_795_367_285_250));
        for bad in ["", "2026-11-22", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-22T17:08:05", "yesterday"] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_rfc3339(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(format_rfc3339(951_782_400_042), "2000-02-29T00:00:00.042Z");
        assert_eq!(parse_rfc3339("2000-02-29T00:00:00.042Z"), Some(951_782_400_042), "milliseconds survive the round trip");
        assert_eq!(format_rfc3339(1_795_367_285_000), "2026-11-22T17:08:05Z");
        assert_eq!(format_rfc3339(-1000), "1969-12-31T23:59:59Z");
    }
}

/// `1.5 MB`: sizes as consoles show them (decimal units).
pub fn human_bytes(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes.max(0) as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} B") } else { format!("{value:.1} {}", UNITS[unit]) }
}

/// Reads a quota typed in gigabytes ("10", "0.5"); blank means no limit.
pub fn parse_quota_gigabytes(text: &str) -> Result<Option<i64>, crate::domain::error::Error> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(gb) if gb.is_finite() && (0.0..=1_000_000.0).contains(&gb) => Ok(Some((gb * 1e9).round() as i64)),
        _ => Err(crate::domain::error::Error::invalid("quota", "must be a number of gigabytes from 0 to 1000000, or blank for no limit")),
    }
}

#[cfg(test)]
mod size_tests {
    #[test]
    fn quotas_are_read_in_gigabytes() {
        assert_eq!(super::parse_quota_gigabytes(" ").unwrap(), None);
        assert_eq!(super::parse_quota_gigabytes("2").unwrap(), Some(2_000_000_000));
        assert_eq!(super::parse_quota_gigabytes("0.5").unwrap(), Some(500_000_000));
        for bad in ["-1", "ten", "NaN", "inf", "1e9"] {
            assert!(super::parse_quota_gigabytes(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes_are_readable() {
        assert_eq!(super::human_bytes(0), "0 B");
        assert_eq!(super::human_bytes(999), "999 B");
        assert_eq!(super::human_bytes(1500), "1.5 kB");
        assert_eq!(super::human_bytes(2_500_000_000), "2.5 GB");
    }
}
