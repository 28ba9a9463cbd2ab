//! Time for the fake: the service's clock, the dates it writes (ISO 8601
//! in bodies, IMF-fixdate in `Date` headers) and a small seeded random
//! source (no extra crates for any of them).
//!
//! The service clock is the one clock the fake keeps: jobs age on it, and
//! `createdAt`, `completedAt` and every answer's `Date` header are read
//! from it, so `Date − createdAt` is a job's age in the very time its
//! progress runs on — as on the real service, where both come from the
//! service's clock and neither from the caller's. It starts at the wall
//! clock and runs `timeScale`× real time; a new `timeScale` takes effect
//! from the moment it is set (the clock goes on from its reading then, it
//! never jumps back). Only [`ServiceClock::set`] (the control API's
//! `serviceNowMs`, for tests) moves it at once, forward or back.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The latest Unix millisecond the fake dates: 9999-12-31T23:59:59.999Z
/// (a four-digit year in both formats).
pub const MAX_UNIX_MS: f64 = 253_402_300_799_999.0;

/// The service's clock, in Unix milliseconds (fractional: re-anchoring
/// loses nothing).
#[derive(Clone, Debug)]
pub struct ServiceClock {
    /// The real moment of the last anchoring, and the clock's reading then.
    anchor: Instant,
    anchor_ms: f64,
    /// Service milliseconds per real millisecond.
    scale: f64,
}

impl ServiceClock {
    /// Reads the wall clock now and runs `scale`× real time from there.
    pub fn new(scale: f64) -> ServiceClock {
        ServiceClock::starting_at(Instant::now(), unix_ms() as f64, scale)
    }

    /// Reads `ms` at the real moment `anchor`, running `scale`× from there.
    pub fn starting_at(anchor: Instant, ms: f64, scale: f64) -> ServiceClock {
        ServiceClock { anchor, anchor_ms: ms, scale }
    }

    pub fn now_ms(&self) -> f64 {
        self.at(Instant::now())
    }

    /// The reading at the real moment `t`; a moment before the last
    /// anchoring reads as that anchoring (the clock never runs backwards).
    pub fn at(&self, t: Instant) -> f64 {
        self.anchor_ms + t.saturating_duration_since(self.anchor).as_secs_f64() * 1000.0 * self.scale
    }

    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// Runs `scale`× real time from the real moment `t` on, going on from
    /// its reading at `t`.
    pub fn set_scale(&mut self, scale: f64, t: Instant) {
        self.anchor_ms = self.at(t);
        self.anchor = t;
        self.scale = scale;
    }

    /// Reads `ms` at the real moment `t`: a jump, forward or back, and the
    /// only one (the control API's `serviceNowMs`).
    pub fn set(&mut self, ms: f64, t: Instant) {
        self.anchor = t;
        self.anchor_ms = ms;
    }

    /// Real time from `t` until the clock reads `ms` at its present pace:
    /// zero once it does, `None` when that is too far off to wait for.
    pub fn real_until(&self, ms: f64, t: Instant) -> Option<Duration> {
        let left = (ms - self.at(t)) / self.scale / 1000.0;
        Duration::try_from_secs_f64(left.max(0.0)).ok()
    }
}

/// `2026-11-25T09:30:00.123Z` for a Unix time in milliseconds.
pub fn iso8601(unix_ms: f64) -> String {
    let (days, secs, ms) = split(unix_ms);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// `Sat, 05 Dec 2026 11:22:23 GMT` (RFC 9110's IMF-fixdate, the `Date`
/// header's form) for a Unix time in milliseconds, its milliseconds dropped.
pub fn imf_fixdate(unix_ms: f64) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (days, secs, _) = split(unix_ms);
    let (y, m, d) = civil_from_days(days);
    let weekday = WEEKDAYS[days.rem_euclid(7) as usize];
    let month = MONTHS[m as usize - 1];
    format!("{weekday}, {d:02} {month} {y:04} {:02}:{:02}:{:02} GMT", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// Days since 1970-01-01, seconds into the day, milliseconds into the
/// second, of a Unix time in milliseconds (floored, held to
/// 0..=[`MAX_UNIX_MS`]).
fn split(unix_ms: f64) -> (i64, i64, i64) {
    let ms = unix_ms.clamp(0.0, MAX_UNIX_MS).floor() as i64;
    let secs = ms.div_euclid(1000);
    (secs.div_euclid(86_400), secs.rem_euclid(86_400), ms.rem_euclid(1000))
}

pub fn unix_ms() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0)
}

/// Inverse of days-from-civil (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
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

/// xorshift64*: deterministic from its seed, plenty for noise and ids.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// In [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn uuid(&mut self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        happyhorse::core::uuid::uuid_v4(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_iso_dates() {
        assert_eq!(iso8601(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(784_111_777_123.0), "1994-11-06T08:49:37.123Z");
        assert_eq!(iso8601(784_111_777_123.9), "1994-11-06T08:49:37.123Z");
    }

    #[test]
    fn formats_http_dates() {
        // RFC 9110's own example, then the brief's, a leap day and the ends.
        assert_eq!(imf_fixdate(784_111_777_000.0), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(imf_fixdate(1_796_469_743_999.0), "Sat, 05 Dec 2026 11:22:23 GMT");
        assert_eq!(imf_fixdate(951_782_400_000.0), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(imf_fixdate(0.0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(imf_fixdate(-5.0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(imf_fixdate(MAX_UNIX_MS), "Fri, 31 Dec 9999 23:59:59 GMT");
        assert_eq!(imf_fixdate(1e300), "Fri, 31 Dec 9999 23:59:59 GMT");
    }

    #[test]
    fn the_service_clock_runs_at_its_scale_and_never_back_across_a_change() {
        let t0 = Instant::now();
        let s = |ms: u64| t0 + Duration::from_millis(ms);
        let mut c = ServiceClock::starting_at(t0, 1_000_000.0, 20.0);
        assert_eq!(c.at(s(100)), 1_002_000.0);
        // Slowed down at 100 ms real: it goes on from 1,002,000, at 1×.
        c.set_scale(1.0, s(100));
        assert_eq!((c.at(s(100)), c.at(s(150)), c.scale()), (1_002_000.0, 1_002_050.0, 1.0));
        // A moment read before the change reads as the change, not earlier.
        assert_eq!(c.at(s(50)), 1_002_000.0);
        // Sped up again, late: still from where it had got to.
        c.set_scale(600.0, s(200));
        assert_eq!((c.at(s(200)), c.at(s(201))), (1_002_100.0, 1_002_700.0));
        let mut last = 0.0;
        for ms in 0..300 {
            let now = c.at(s(ms));
            assert!(now >= last, "{ms}: {now} < {last}");
            last = now;
        }
    }

    #[test]
    fn the_service_clock_can_be_set_and_says_how_long_until_a_reading() {
        let t0 = Instant::now();
        let mut c = ServiceClock::starting_at(t0, 5_000.0, 10.0);
        assert_eq!(c.real_until(6_000.0, t0), Some(Duration::from_millis(100)));
        assert_eq!(c.real_until(4_000.0, t0), Some(Duration::ZERO));
        assert_eq!(c.real_until(1e300, t0), None);
        c.set(1_000.0, t0 + Duration::from_millis(10));
        assert_eq!((c.at(t0 + Duration::from_millis(10)), c.at(t0 + Duration::from_millis(20))), (1_000.0, 1_100.0));
        let wall = ServiceClock::new(1.0).now_ms();
        assert!((wall - unix_ms() as f64).abs() < 1_000.0, "starts at the wall clock");
    }
}
