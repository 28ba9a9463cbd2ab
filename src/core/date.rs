//! The two date forms the service sends: `Retry-After`'s HTTP-date and a
//! job's `createdAt` (ISO 8601), as Unix milliseconds, without a date crate.

/// Unix milliseconds of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn http_date_ms(v: &str) -> Option<f64> {
    let mut parts = v.split(' ').filter(|p| !p.is_empty());
    let _weekday = parts.next()?;
    let day: i64 = parse_int(parts.next()?)?;
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month_name))? as i64 + 1;
    let year: i64 = parse_int(parts.next()?)?;
    let mut hms = parts.next()?.split(':');
    let (h, m, s) = (parse_int(hms.next()?)?, parse_int(hms.next()?)?, parse_int(hms.next()?)?);
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400 + h * 3_600 + m * 60 + s) * 1_000) as f64)
}

fn parse_int(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.bytes().fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0')))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// well-known algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Unix milliseconds of an ISO 8601 UTC timestamp as the service writes
/// `createdAt`: `2026-11-25T13:00:00Z` or `…:00.123Z` (an offset other than
/// `Z` is not read).
pub fn iso8601_ms(v: &str) -> Option<f64> {
    let b = v.as_bytes();
    if b.len() < 20
        || b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't' | b' '))
        || b.last() != Some(&b'Z')
    {
        return None;
    }
    let num = |from: usize, to: usize| v.get(from..to).and_then(parse_int);
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (h, m, s) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || h > 23
        || m > 59
        || s > 60
    {
        return None;
    }
    let millis = match v.get(19..v.len() - 1) {
        Some("") => 0,
        Some(frac) if frac.starts_with('.') && frac.len() > 1 => {
            let digits = frac.get(1..).unwrap_or_default();
            let three: String = digits.chars().chain("000".chars()).take(3).collect();
            if !digits.bytes().all(|d| d.is_ascii_digit()) {
                return None;
            }
            parse_int(&three)?
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400 + h * 3_600 + m * 60 + s) * 1_000 + millis) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_timestamps_read_as_unix_ms() {
        assert_eq!(iso8601_ms("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(iso8601_ms("1970-01-01T00:00:01.5Z"), Some(1_500.0));
        assert_eq!(iso8601_ms("2000-03-01T00:00:00.000Z"), Some(11_017.0 * 86_400_000.0));
        for bad in ["", "2026-11-25", "2026-11-25T13:00:00+01:00", "2026-13-25T13:00:00Z", "2026-11-25T13:00:00.Z", "x026-11-25T13:00:00Z"]
        {
            assert_eq!(iso8601_ms(bad), None, "{bad}");
        }
    }
}
