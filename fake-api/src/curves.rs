//! Progress curves: how a job's `progress` moves while it is processing.
//!
//! Each job follows one family (`progressCurve` in `POST /__fake/config`,
//! or `#curve=NAME` in its prompt). The family's own parameters (a step, a
//! knee, where a burst starts, the drops) are drawn once per job from a seed
//! taken from its prompt, so jobs submitted with the same prompt follow the
//! same curve whoever polls them; `noise` (± points, drawn afresh for every
//! reading) applies to the noisy families only (`linear`, `backwards`,
//! `late`). Every other family is monotone.
//!
//! | family      | while queued | while processing (x = share of processing time)            |
//! |-------------|--------------|-------------------------------------------------------------|
//! | `linear`    | 0            | 100·x ± noise, within 1–99 (the fake's original curve)      |
//! | `steps`     | 0            | 100·x floored to a step of 10, 20 or 25 (per job)           |
//! | `fast-tail` | 0            | 90 by x = 0.15–0.4 (per job), then slowly on to 99          |
//! | `burst`     | 0 or null    | 0 or null (per job) until x = 0.8–0.95, then quickly to 99  |
//! | `none`      | null         | null, and null once done                                    |
//! | `stall99`   | 0            | 99 by x = 0.2–0.5 (per job), then 99 until done             |
//! | `backwards` | 0            | linear ± noise, with 1–3 drops of 10–40 points, each back   |
//! |             |              | to the line over 2–30 virtual seconds (≤ ¼ of the time)     |
//! | `late`      | null         | null for the first third, then linear ± noise               |
//!
//! Once done a job reports 100 (null for `none`), as before.

use crate::clock::Rng;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    Linear,
    Steps,
    FastTail,
    Burst,
    None,
    Stall99,
    Backwards,
    Late,
}

impl Curve {
    pub const ALL: [Curve; 8] =
        [Curve::Linear, Curve::Steps, Curve::FastTail, Curve::Burst, Curve::None, Curve::Stall99, Curve::Backwards, Curve::Late];

    pub fn name(self) -> &'static str {
        match self {
            Curve::Linear => "linear",
            Curve::Steps => "steps",
            Curve::FastTail => "fast-tail",
            Curve::Burst => "burst",
            Curve::None => "none",
            Curve::Stall99 => "stall99",
            Curve::Backwards => "backwards",
            Curve::Late => "late",
        }
    }

    pub fn parse(name: &str) -> Option<Curve> {
        Curve::ALL.into_iter().find(|c| c.name() == name)
    }

    /// `linear, steps, …`, for error messages.
    pub fn names() -> String {
        Curve::ALL.map(Curve::name).join(", ")
    }

    /// Whether readings use the `noise` setting.
    pub fn noisy(self) -> bool {
        matches!(self, Curve::Linear | Curve::Backwards | Curve::Late)
    }
}

/// A fall below the line at `at` (share of processing time), `depth`
/// points deep, back on the line `length` later.
#[derive(Clone, Debug, PartialEq)]
pub struct Drop {
    pub at: f64,
    pub depth: f64,
    pub length: f64,
}

/// One job's curve: its family and the parameters drawn for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    pub curve: Curve,
    /// `steps`: the step; `fast-tail`: where 90 is reached; `burst`: where
    /// the burst starts; `stall99`: where 99 is reached; `late`: where
    /// reports begin. Unused otherwise.
    pub k: f64,
    /// `burst`: null, not 0, before the burst (and while queued).
    pub null_before: bool,
    /// `backwards`: its drops, in order.
    pub drops: Vec<Drop>,
}

/// FNV-1a: a stable seed from a prompt (no hasher whose output may change).
pub fn seed_of(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

impl Shape {
    /// The parameters of `curve` for a job seeded `seed` that processes for
    /// `processing_seconds` virtual seconds (drops last 2–30 of them).
    pub fn new(curve: Curve, seed: u64, processing_seconds: f64) -> Shape {
        let mut rng = Rng((seed ^ (curve as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15)) | 1);
        // Stir: nearby seeds should not give nearby first draws.
        for _ in 0..4 {
            rng.next_u64();
        }
        let mut between = |lo: f64, hi: f64| lo + (hi - lo) * rng.next_f64();
        let k = match curve {
            Curve::Steps => [10.0, 20.0, 25.0][(between(0.0, 3.0) as usize).min(2)],
            Curve::FastTail => between(0.15, 0.4),
            Curve::Burst => between(0.8, 0.95),
            Curve::Stall99 => between(0.2, 0.5),
            Curve::Late => 1.0 / 3.0,
            _ => 0.0,
        };
        let null_before = curve == Curve::Burst && between(0.0, 1.0) < 0.5;
        let mut drops = Vec::new();
        if curve == Curve::Backwards {
            let processing = if processing_seconds.is_finite() && processing_seconds > 0.0 { processing_seconds } else { 1.0 };
            let count = 1 + (between(0.0, 3.0) as usize).min(2);
            for _ in 0..count {
                let at = between(0.1, 0.85);
                let depth = between(10.0, 40.0);
                let length = (between(2.0, 30.0) / processing).min(0.25);
                drops.push(Drop { at, depth, length });
            }
            drops.sort_by(|a, b| a.at.total_cmp(&b.at));
        }
        Shape { curve, k, null_before, drops }
    }

    /// Progress while the job is queued.
    pub fn queued(&self) -> Option<u32> {
        match self.curve {
            Curve::None | Curve::Late => None,
            Curve::Burst if self.null_before => None,
            _ => Some(0),
        }
    }

    /// Progress at `x` (share of the processing time, 0 ≤ x < 1), `jitter`
    /// points off the curve (used by the noisy families only).
    pub fn at(&self, x: f64, jitter: f64) -> Option<u32> {
        let x = if x.is_finite() { x.clamp(0.0, 1.0) } else { 0.0 };
        let jitter = if jitter.is_finite() { jitter } else { 0.0 };
        let k = self.k;
        let noisy = |p: f64| Some((p + jitter).clamp(1.0, 99.0).round() as u32);
        let clean = |p: f64| Some(p.clamp(0.0, 99.0).round() as u32);
        match self.curve {
            Curve::Linear => noisy(100.0 * x),
            Curve::Steps => clean((100.0 * x / k).floor() * k),
            Curve::FastTail => clean(if x < k { 90.0 * x / k } else { 90.0 + 9.0 * (x - k) / (1.0 - k) }),
            Curve::Burst if x < k => (!self.null_before).then_some(0),
            Curve::Burst => clean(100.0 * (x - k) / (1.0 - k)),
            Curve::None => None,
            Curve::Stall99 => clean(99.0 * x / k),
            Curve::Backwards => {
                let fall: f64 =
                    self.drops.iter().filter(|d| x >= d.at && x < d.at + d.length).map(|d| d.depth * (1.0 - (x - d.at) / d.length)).sum();
                noisy(100.0 * x - fall)
            }
            Curve::Late if x < k => None,
            Curve::Late => noisy(100.0 * x),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEEDS: u64 = 300;

    /// Readings over the whole processing time, 1,000 of them, no jitter.
    fn trace(shape: &Shape) -> Vec<(f64, Option<u32>)> {
        (0..1000).map(|i| f64::from(i) / 1000.0).map(|x| (x, shape.at(x, 0.0))).collect()
    }

    fn shapes(curve: Curve) -> impl Iterator<Item = Shape> {
        (0..SEEDS).map(move |s| Shape::new(curve, seed_of(&format!("job {s}")), 180.0))
    }

    fn monotone(t: &[(f64, Option<u32>)]) -> bool {
        let values: Vec<u32> = t.iter().filter_map(|r| r.1).collect();
        values.windows(2).all(|w| w[0] <= w[1])
    }

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for c in Curve::ALL {
            assert_eq!(Curve::parse(c.name()), Some(c));
        }
        assert_eq!(Curve::parse("Linear"), None);
        assert_eq!(Curve::parse(""), None);
        assert_eq!(Curve::names(), "linear, steps, fast-tail, burst, none, stall99, backwards, late");
    }

    #[test]
    fn a_prompt_always_draws_the_same_shape() {
        for c in Curve::ALL {
            assert_eq!(Shape::new(c, seed_of("bench job 3"), 120.0), Shape::new(c, seed_of("bench job 3"), 120.0));
        }
        let ks: std::collections::HashSet<u64> = shapes(Curve::FastTail).map(|s| s.k.to_bits()).collect();
        assert!(ks.len() > SEEDS as usize * 9 / 10, "knees barely vary: {}", ks.len());
    }

    #[test]
    fn every_reading_is_within_0_to_99_while_processing() {
        for c in Curve::ALL {
            for s in shapes(c) {
                for jitter in [-50.0, 0.0, 50.0, f64::NAN] {
                    for x in [0.0, 0.3, 0.999, 1.0, -1.0, f64::NAN] {
                        assert!(s.at(x, jitter).is_none_or(|p| p <= 99), "{c:?} at {x} ± {jitter}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_monotone_families_never_go_back() {
        for c in [Curve::Linear, Curve::Steps, Curve::FastTail, Curve::Burst, Curve::Stall99, Curve::Late] {
            for s in shapes(c) {
                assert!(monotone(&trace(&s)), "{c:?} {s:?}");
            }
        }
    }

    #[test]
    fn linear_is_the_line_within_the_noise() {
        let s = Shape::new(Curve::Linear, 1, 180.0);
        assert_eq!(s.queued(), Some(0));
        assert_eq!(s.at(0.5, 0.0), Some(50));
        assert_eq!(s.at(0.5, 2.6), Some(53));
        assert_eq!(s.at(0.5, -3.0), Some(47));
        assert_eq!(s.at(0.0, -3.0), Some(1)); // held within 1–99, as before
        assert_eq!(s.at(0.995, 3.0), Some(99));
    }

    #[test]
    fn steps_are_coarse_and_each_size_occurs() {
        let mut sizes = std::collections::BTreeSet::new();
        for s in shapes(Curve::Steps) {
            let step = s.k as u32;
            assert!([10, 20, 25].contains(&step), "{step}");
            sizes.insert(step);
            let t = trace(&s);
            assert!(t.iter().all(|r| r.1.is_some_and(|p| p % step == 0)), "{t:?}");
            assert_eq!(s.at(0.0, 9.0), Some(0)); // no noise on a step
            assert_eq!(s.at(0.999, 0.0), Some(100 - step));
            // Several levels are seen, each held for a whole step of time.
            let levels: std::collections::BTreeSet<u32> = t.iter().filter_map(|r| r.1).collect();
            assert_eq!(levels.len() as u32, 100 / step);
        }
        assert_eq!(sizes.into_iter().collect::<Vec<_>>(), [10, 20, 25]);
    }

    #[test]
    fn fast_tail_reaches_90_early_then_crawls() {
        for s in shapes(Curve::FastTail) {
            assert!((0.15..=0.4).contains(&s.k));
            assert_eq!(s.at(s.k, 0.0), Some(90));
            assert!(s.at(0.4, 0.0).unwrap() >= 90);
            // The last 60 % of the time moves fewer than 10 points.
            assert!(s.at(0.999, 0.0).unwrap() - s.at(0.4, 0.0).unwrap() < 10);
            assert_eq!(s.at(0.1, 5.0), s.at(0.1, 0.0)); // not noisy
        }
    }

    #[test]
    fn burst_says_nothing_then_rushes_to_the_end() {
        let (mut nulls, mut zeros) = (0, 0);
        for s in shapes(Curve::Burst) {
            assert!((0.8..=0.95).contains(&s.k));
            let before = if s.null_before { None } else { Some(0) };
            if s.null_before {
                nulls += 1;
            } else {
                zeros += 1;
            }
            assert_eq!(s.queued(), before);
            assert!(trace(&s).iter().filter(|r| r.0 < s.k).all(|r| r.1 == before));
            assert!(s.at(s.k + 0.9 * (1.0 - s.k), 0.0).unwrap() >= 89);
        }
        assert!(nulls > 100 && zeros > 100, "{nulls} null, {zeros} zero");
    }

    #[test]
    fn none_is_null_throughout() {
        for s in shapes(Curve::None) {
            assert_eq!(s.queued(), None);
            assert!(trace(&s).iter().all(|r| r.1.is_none()));
        }
    }

    #[test]
    fn stall99_reaches_99_early_and_stays() {
        for s in shapes(Curve::Stall99) {
            assert!((0.2..=0.5).contains(&s.k));
            assert!(trace(&s).iter().filter(|r| r.0 >= 0.5).all(|r| r.1 == Some(99)));
            assert!(s.at(0.1, 0.0).unwrap() < 99);
        }
    }

    #[test]
    fn backwards_drops_10_to_40_points_then_recovers() {
        let mut counts = [0; 4];
        for s in shapes(Curve::Backwards) {
            assert!((1..=3).contains(&s.drops.len()));
            counts[s.drops.len()] += 1;
            for d in &s.drops {
                assert!((10.0..=40.0).contains(&d.depth) && (0.1..=0.85).contains(&d.at), "{d:?}");
                // 2–30 virtual seconds of a 180 s job.
                assert!((2.0 / 180.0..=30.0 / 180.0).contains(&d.length), "{d:?}");
                let line = |x: f64| (100.0 * x).clamp(1.0, 99.0).round() as i64;
                // Down by the depth at once...
                let fall = line(d.at) - i64::from(s.at(d.at, 0.0).unwrap());
                let overlapping = s.drops.iter().any(|o| o != d && d.at >= o.at && d.at < o.at + o.length);
                if !overlapping && 100.0 * d.at > d.depth + 1.0 {
                    assert!((fall - d.depth.round() as i64).abs() <= 1, "{fall} vs {d:?}");
                }
                // ...and back on the line once the drop is over (unless the next one began).
                let after = d.at + d.length + 1e-6;
                if !s.drops.iter().any(|o| after >= o.at && after < o.at + o.length) {
                    assert_eq!(i64::from(s.at(after, 0.0).unwrap()), line(after));
                }
            }
            // Outside every drop it is the line.
            assert_eq!(s.at(0.05, 0.0), Some(5));
        }
        assert!(counts[1] > 50 && counts[2] > 50 && counts[3] > 50, "{counts:?}");
    }

    #[test]
    fn backwards_is_noisy_and_goes_back() {
        let s = Shape::new(Curve::Backwards, 9, 200.0);
        let d = &s.drops[0];
        let before = s.at(d.at - 0.01, 0.0).unwrap();
        assert!(s.at(d.at, 0.0).unwrap() + 9 <= before);
        assert_ne!(s.at(0.05, 2.0), s.at(0.05, 0.0));
    }

    #[test]
    fn late_is_null_for_the_first_third_then_linear() {
        for s in shapes(Curve::Late) {
            assert_eq!(s.queued(), None);
            for (x, p) in trace(&s) {
                if x < 1.0 / 3.0 {
                    assert_eq!(p, None, "{x}");
                } else {
                    assert_eq!(p, Some((100.0 * x).clamp(1.0, 99.0).round() as u32), "{x}");
                }
            }
        }
        assert_eq!(Shape::new(Curve::Late, 1, 60.0).at(0.5, -3.0), Some(47));
    }
}
