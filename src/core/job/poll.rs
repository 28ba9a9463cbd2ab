//! When to ask about a job next. Pure: the caller passes the clock and the
//! randomness, so the schedule is simulated exactly in tests.
//!
//! The schedule keeps one number, the *earliest plausible end*: the soonest
//! the job could be finished given everything seen so far. From that moment
//! on no gap between polls exceeds `max_gap_ms` (the lag bound, 5 s),
//! whatever progress says. Before it, polls gather evidence and close in.
//!
//! - First poll after 2 s (catches jobs that fail at once).
//! - Without usable progress the end is plausible from `min_job_ms` (45 s)
//!   after the wait starts: polls evenly spaced up to then (≤ 15 s apart),
//!   then every 4–4.75 s (jittered below the bound).
//! - Progress is evidence, not certainty. A line fitted to the readings
//!   gives the end; it is pulled earlier by everything that makes it
//!   doubtful: the readings' scatter about the line, coarse steps (the truth
//!   may be a step above the reading: the grid the values lie on, or the
//!   largest rise once progress has stood still), the slope's worst-case
//!   error, a 10 % margin, more the further it extrapolates, a curve that
//!   speeds up (a fitted parabola), a recent slowdown beyond the noise (the
//!   older trend stands), and glitches (readings doubted by the deepest
//!   one). Movement within the noise is no evidence; neither is a
//!   prediction whose earliest end lies beyond the slowest job
//!   (`max_job_ms`). Progress ahead of any plausible job (the wait began
//!   late) drops the 45 s floor. A reading well below the best so far is
//!   re-read within 5 s: back up, it was a glitch; low again, a new phase.
//! - Until the end is plausible, wait `jump_fraction` of the time to it, at
//!   most as long as the readings span (evidence at most doubles its reach)
//!   and at most `max_skip_ms`.
//!
//! Every delay is finite, at least `min_gap_ms` (1 s) and at most
//! `max_skip_ms` (60 s); once `max_job_ms` (330 s) have passed since the wait
//! began, at most `max_gap_ms` whatever progress says. A fixed interval
//! (`pollIntervalMs`) replaces all of this and is returned exactly.

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PollConfig {
    /// A fixed interval instead of the adaptive schedule.
    pub fixed_interval_ms: Option<f64>,
    pub first_delay_ms: f64,
    /// The lag bound: the longest gap once the job could be finished.
    pub max_gap_ms: f64,
    /// The shortest gap (never under 1 s).
    pub min_gap_ms: f64,
    /// No job ends sooner than this after the wait starts (unless progress
    /// shows the job started before the wait).
    pub min_job_ms: f64,
    /// A prediction whose earliest end lies beyond this (from the wait's
    /// start) is not believed.
    pub max_job_ms: f64,
    /// The longest gap before `min_job_ms` while progress says nothing.
    pub blind_gap_ms: f64,
    /// The longest gap ever, whatever progress says.
    pub max_skip_ms: f64,
    /// Share of the time to the earliest plausible end to wait.
    pub jump_fraction: f64,
    /// Safety margin on the predicted rate (0.1 = assume 10 % faster).
    pub margin: f64,
    /// Further margin per unit of extrapolation: predicting as far ahead as
    /// the readings span adds this much again.
    pub horizon_margin: f64,
}

impl Default for PollConfig {
    fn default() -> Self {
        PollConfig {
            fixed_interval_ms: None,
            first_delay_ms: 2_000.0,
            max_gap_ms: 5_000.0,
            min_gap_ms: 1_000.0,
            min_job_ms: 45_000.0,
            max_job_ms: 330_000.0,
            blind_gap_ms: 15_000.0,
            max_skip_ms: 60_000.0,
            jump_fraction: 0.8,
            margin: 0.1,
            horizon_margin: 0.15,
        }
    }
}

/// Readings kept per phase (the first is always kept: it anchors the span).
const MAX_READINGS: usize = 48;
/// A reading this far below the phase's best went backwards (beyond noise):
/// a glitch, unless the next reading is as low.
const BACK_POINTS: f64 = 8.0;
/// Low twice in a row by more than this: a new phase (a second pass).
const RESTART_POINTS: f64 = 15.0;
/// The least scatter assumed about the fitted line, in points.
const SCATTER_FLOOR: f64 = 1.5;
/// How many of the latest readings a slowdown may rest on before the older
/// trend is preferred.
const OLDER_TRENDS: usize = 2;
/// How many of the latest rises between readings can pull the end forward.
const RECENT_RISES: usize = 3;

/// The running state of one wait.
#[derive(Clone, Debug)]
pub(crate) struct PollSchedule {
    config: PollConfig,
    started_ms: f64,
    polls: u32,
    /// `(time, progress)` readings of the current phase, from the first
    /// with progress > 0.
    readings: Vec<(f64, f64)>,
    /// The level a reading is held to: the best of the phase, or where it
    /// stepped back to.
    phase_max: f64,
    /// A reading well below the best, seen once: a glitch unless the next
    /// reading is as low.
    pending_drop: Option<(f64, f64)>,
    /// Confirmed glitches: each widens the margin.
    glitches: u32,
    /// The deepest glitch, in points below the best before it: a source that
    /// read that low once may again, so readings are doubted by as much.
    glitch_depth: f64,
    /// Progress ran ahead of any plausible job: the wait began late.
    ahead_of_time: bool,
    earliest_end_ms: f64,
    /// Whether `earliest_end_ms` comes from progress (else from the floor).
    from_evidence: bool,
}

impl PollSchedule {
    pub(crate) fn new(config: PollConfig, now_ms: f64) -> PollSchedule {
        let started_ms = if now_ms.is_finite() { now_ms } else { 0.0 };
        PollSchedule {
            config,
            started_ms,
            polls: 0,
            readings: Vec::new(),
            phase_max: 0.0,
            pending_drop: None,
            glitches: 0,
            glitch_depth: 0.0,
            ahead_of_time: false,
            earliest_end_ms: started_ms + config.min_job_ms,
            from_evidence: false,
        }
    }

    /// Records the answer of a poll made at `now_ms` (`progress` 0–100).
    pub(crate) fn observe(&mut self, now_ms: f64, progress: Option<f64>) {
        self.polls += 1;
        if !now_ms.is_finite() {
            return;
        }
        if let Some(p) = progress.filter(|p| p.is_finite()) {
            self.record(now_ms, p.clamp(0.0, 100.0));
        }
        self.earliest_end_ms = self.estimate();
    }

    /// The earliest time the job could plausibly be finished; from then on
    /// no gap exceeds `max_gap_ms`.
    pub(crate) fn earliest_end_ms(&self) -> f64 {
        self.earliest_end_ms
    }

    /// The central prediction of the end (the fitted line's), if any.
    pub(crate) fn predicted_end_ms(&self) -> Option<f64> {
        let &(tl, _) = self.readings.last()?;
        let (rate, at, _) = line(&self.readings, self.readings[0].0, tl)?;
        (rate > 0.0).then(|| tl + (100.0 - at).max(0.0) / rate * 1000.0)
    }

    /// How long to wait before the next poll. `random` is in [0, 1).
    pub(crate) fn next_delay_ms(&mut self, now_ms: f64, random: f64) -> f64 {
        let c = self.config;
        if let Some(fixed) = c.fixed_interval_ms {
            return fixed.max(0.0);
        }
        let min_gap = if c.min_gap_ms.is_finite() { c.min_gap_ms.max(1_000.0) } else { 1_000.0 };
        let first = if c.first_delay_ms.is_finite() { c.first_delay_ms.max(min_gap) } else { 2_000.0 };
        if self.polls == 0 {
            return first;
        }
        let random = if random.is_finite() { random.clamp(0.0, 1.0) } else { 0.5 };
        let bound = if c.max_gap_ms.is_finite() { c.max_gap_ms.max(min_gap) } else { 5_000.0 };
        // Jittered below the bound, never above it.
        let dense = (bound * (0.8 + 0.15 * random)).max(min_gap);
        let room = self.earliest_end_ms - now_ms;
        if room.is_nan() || room <= dense {
            return dense; // also when the clock is not finite
        }
        let want = if self.from_evidence {
            let span = self.readings.last().map_or(0.0, |l| l.0 - self.readings[0].0);
            (room * c.jump_fraction.clamp(0.0, 1.0)).min(span)
        } else {
            // Evenly spaced up to the floor, none longer than the blind gap.
            room / (room / c.blind_gap_ms.max(min_gap)).ceil().max(1.0)
        };
        let cap = if c.max_skip_ms.is_finite() { c.max_skip_ms.max(bound) } else { 60_000.0 };
        want.min(cap).max(dense).min(room).max(min_gap)
    }

    fn record(&mut self, now_ms: f64, p: f64) {
        // Faster than the fastest plausible job since the wait began: the job
        // began before the wait, so the 45 s floor means nothing.
        let elapsed = (now_ms - self.started_ms).max(0.0);
        if p > 100.0 * elapsed / self.config.min_job_ms.max(1.0) + 5.0 {
            self.ahead_of_time = true;
        }
        if self.phase_max - p > BACK_POINTS {
            match self.pending_drop.take() {
                // Low twice: no glitch. Far below, a new phase from the first
                // low reading; else a real step back, kept, and the level
                // later readings are held to.
                Some(first) => {
                    if self.phase_max - first.1.max(p) > RESTART_POINTS {
                        self.readings.clear();
                    }
                    self.phase_max = 0.0;
                    for (t, q) in [first, (now_ms, p)] {
                        if q > 0.0 || !self.readings.is_empty() {
                            self.push(t, q);
                        }
                    }
                }
                None => self.pending_drop = Some((now_ms, p)),
            }
            return;
        }
        // Back up after one low reading: that was a glitch.
        if let Some((_, low)) = self.pending_drop.take() {
            self.glitches += 1;
            self.glitch_depth = self.glitch_depth.max(self.phase_max - low);
        }
        if p <= 0.0 && self.readings.is_empty() {
            return; // not started
        }
        // Far below the trend without going below an earlier reading (a
        // sustained dip that recovers slowly): every later reading may be
        // that far below the truth too.
        if self.readings.len() >= 3 {
            if let Some((_, level, scatter)) = line(&self.readings, self.readings[0].0, now_ms) {
                let below = level - p;
                if below > 2.0 * scatter.max(SCATTER_FLOOR) + BACK_POINTS {
                    self.glitch_depth = self.glitch_depth.max(below);
                }
            }
        }
        self.push(now_ms, p);
    }

    fn push(&mut self, t: f64, p: f64) {
        if self.readings.len() == MAX_READINGS {
            self.readings.remove(1);
        }
        self.readings.push((t, p));
        self.phase_max = self.phase_max.max(p);
    }

    fn estimate(&mut self) -> f64 {
        self.from_evidence = false;
        if let Some((t, _)) = self.pending_drop {
            return t; // gone backwards: look again within the bound
        }
        let floor = if self.ahead_of_time { f64::NEG_INFINITY } else { self.started_ms + self.config.min_job_ms };
        let Some(end) = self.evidence() else { return floor };
        // A job ends within `max_job_ms` of its start, which is at or before
        // the wait's: readings that say otherwise (even at their most
        // hopeful, or a line twice as slow) are not believed. "Any moment
        // now" always is.
        let latest = self.started_ms + self.config.max_job_ms;
        let now = self.readings.last().map_or(f64::NEG_INFINITY, |r| r.0);
        let central_ok = self.predicted_end_ms().is_some_and(|c| c <= self.started_ms + 2.0 * self.config.max_job_ms);
        if end <= now || (end <= latest && central_ok) {
            self.from_evidence = true;
            end.max(floor)
        } else {
            floor
        }
    }

    /// The earliest plausible end that the readings allow, if they say
    /// anything.
    fn evidence(&self) -> Option<f64> {
        let n = self.readings.len();
        let &(tl, pl) = self.readings.last()?;
        let mut end = self.earliest_from(&self.readings, tl, pl)?;
        // A recent slowdown beyond the noise is not believed (a stall, a
        // glitch, a lagging report): the end the older trend gives stands.
        for k in 1..=OLDER_TRENDS {
            if n < k + 3 {
                break;
            }
            let older = &self.readings[..n - k];
            if let Some((rate, at, scatter)) = line(older, older[0].0, tl) {
                if pl < at - scatter.max(SCATTER_FLOOR) - quantum(older, rate) {
                    if let Some(e) = self.earliest_from(older, tl, pl) {
                        end = end.min(e);
                    }
                }
            }
        }
        // A recent rise steeper than the fitted line (a dip recovering, a
        // burst): the job may keep that pace to the end. Rises within the
        // noise say nothing.
        let noise = line(&self.readings, self.readings[0].0, tl).map_or(SCATTER_FLOOR, |l| l.2.max(SCATTER_FLOOR));
        for pair in self.readings[n.saturating_sub(RECENT_RISES + 1)..].windows(2) {
            let ((t0, p0), (t1, p1)) = (pair[0], pair[1]);
            let (rise, secs) = (p1 - p0, (t1 - t0) / 1000.0);
            if rise > 2.0 * noise + 1.0 && secs >= 1.0 {
                let rate = rise / secs * (1.0 + self.config.margin.max(0.0));
                end = end.min(tl + (100.0 - pl).max(0.0) / rate * 1000.0);
            }
        }
        Some(end)
    }

    /// The earliest plausible end that `points` allow, seen at `tl` when the
    /// last reading was `pl`; `None` if they show no usable movement.
    fn earliest_from(&self, points: &[(f64, f64)], tl: f64, pl: f64) -> Option<f64> {
        let n = points.len();
        if n < 2 {
            return None;
        }
        let t0 = points[0].0;
        let span = (points[n - 1].0 - t0) / 1000.0;
        if span.is_nan() || span < 1.0 {
            return None;
        }
        let (rate, level, scatter) = line(points, t0, tl)?;
        let step = quantum(points, rate);
        let noise = scatter.max(SCATTER_FLOOR);
        // After a glitch, any reading may be as far below the truth.
        let delta = noise.max(self.glitch_depth);
        // True progress now: up to the scatter above the line, or a step
        // above the last reading.
        let level_hi = (level + delta).max(pl + step);
        if level_hi >= 100.0 {
            return Some(tl); // it could be done any moment
        }
        let (lo, hi) = points.iter().fold((100.0f64, 0.0f64), |(lo, hi), r| (lo.min(r.1), hi.max(r.1)));
        if rate <= 0.0 || hi - lo <= 2.0 * noise + 1.0 {
            return None; // movement within the noise says nothing
        }
        let margin = 1.0 + self.config.margin.max(0.0) + 0.1 * f64::from(self.glitches.min(3));
        // The fastest rate the readings allow: the slope plus its worst-case
        // error (each end of the span off by the scatter, and a step).
        let rate_hi = (rate + (2.0 * delta + step) / span) * margin;
        let left = 100.0 - level_hi;
        let mut horizon = left / rate_hi;
        // Speeding up: extrapolate the curvature too.
        if n >= 4 {
            if let Some((slope, curvature)) = parabola(points, t0, tl) {
                if curvature > 0.0 {
                    let (slope, c) = (slope.max(0.0) * margin, curvature * margin);
                    horizon = horizon.min(2.0 * left / (slope + (slope * slope + 4.0 * c * left).sqrt()));
                }
            }
        }
        // Extrapolating far beyond the readings' span is weak evidence.
        let horizon = horizon / (1.0 + self.config.horizon_margin.max(0.0) * horizon / span);
        let end = tl + horizon * 1000.0;
        end.is_finite().then_some(end)
    }
}

/// Least-squares line through `points` (time in s from `t0`): its slope
/// (points per second), its value at `tl`, and the largest distance of a
/// reading from it.
fn line(points: &[(f64, f64)], t0: f64, tl: f64) -> Option<(f64, f64, f64)> {
    let n = points.len() as f64;
    let x = |t: f64| (t - t0) / 1000.0;
    let mx = points.iter().map(|p| x(p.0)).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx = points.iter().map(|p| (x(p.0) - mx).powi(2)).sum::<f64>();
    if sxx.is_nan() || sxx <= 0.0 {
        return None;
    }
    let slope = points.iter().map(|p| (x(p.0) - mx) * (p.1 - my)).sum::<f64>() / sxx;
    let at = |t: f64| my + slope * (x(t) - mx);
    let scatter = points.iter().map(|p| (p.1 - at(p.0)).abs()).fold(0.0, f64::max);
    Some((slope, at(tl), scatter)).filter(|v| v.0.is_finite() && v.1.is_finite() && v.2.is_finite())
}

/// Least-squares parabola through `points`: its slope at `tl` (points per
/// second) and its curvature `c` (p ≈ … + c·t², t in seconds).
fn parabola(points: &[(f64, f64)], t0: f64, tl: f64) -> Option<(f64, f64)> {
    let scale = ((tl - t0) / 1000.0).max(1.0);
    let x = |t: f64| (t - t0) / 1000.0 / scale;
    // Normal equations, solved by Gauss–Jordan with partial pivoting.
    let mut m = [[0.0f64; 4]; 3];
    for &(t, p) in points {
        let v = [1.0, x(t), x(t) * x(t)];
        for i in 0..3 {
            for j in 0..3 {
                m[i][j] += v[i] * v[j];
            }
            m[i][3] += v[i] * p;
        }
    }
    for col in 0..3 {
        let pivot = (col..3).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        m.swap(col, pivot);
        if m[col][col].is_nan() || m[col][col].abs() <= 1e-9 {
            return None;
        }
        let pivot_row = m[col];
        for (row, r) in m.iter_mut().enumerate() {
            if row != col {
                let f = r[col] / pivot_row[col];
                for (v, p) in r.iter_mut().zip(pivot_row).skip(col) {
                    *v -= f * p;
                }
            }
        }
    }
    let (b, c) = (m[1][3] / m[1][1], m[2][3] / m[2][2]);
    let slope = (b + 2.0 * c * x(tl)) / scale;
    let curvature = c / (scale * scale);
    (slope.is_finite() && curvature.is_finite()).then_some((slope, curvature))
}

/// How far below the truth a reading may lie because progress moves in
/// steps: the coarsest grid every reading lies on (25 for 25/50/75, 1 for
/// noisy integers); and when progress has stood still where `rate` says it
/// should have moved, or the grid is coarse (uneven steps such as 15, 40,
/// 70), the largest rise seen between two readings.
fn quantum(points: &[(f64, f64)], rate: f64) -> f64 {
    fn gcd(a: u64, b: u64) -> u64 {
        if b == 0 {
            a
        } else {
            gcd(b, a % b)
        }
    }
    let grid = points.iter().fold(1000u64, |g, p| gcd(g, (p.1 * 10.0).round().clamp(0.0, 1000.0) as u64)) as f64 / 10.0;
    let mut stood_still = false;
    let mut rise = 0.0f64;
    for w in points.windows(2) {
        let (dt, dp) = ((w[1].0 - w[0].0) / 1000.0, w[1].1 - w[0].1);
        stood_still |= dp == 0.0 && rate * dt >= 3.0;
        rise = rise.max(dp);
    }
    if stood_still || grid >= 5.0 {
        grid.max(rise)
    } else {
        grid
    }
}

#[cfg(test)]
#[path = "poll_tests.rs"]
mod tests;
