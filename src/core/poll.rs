//! When to ask about a job next: a schedule for jobs that take 1–5 minutes,
//! cheap on requests yet quick to notice completion. Pure: the caller
//! passes the clock and randomness, so the schedule is simulated exactly in
//! tests (and in `bench/`).
//!
//! The schedule:
//! 1. First poll 2 s after the wait starts (catches jobs that fail at once).
//! 2. While the job reports no usable progress: every ~12 s for the first
//!    55 s (jobs take 1–5 minutes, so almost none finish sooner), then every
//!    4.1–4.6 s (jittered), so completion is noticed within 4.6 s — better
//!    than the provider SDK's lag (its 2 s × 1.5 up to 5 s) with fewer
//!    requests.
//! 3. Once two readings of `progress` show a rate, predict the completion
//!    time and jump 60 % of the way there (at most 40 s at once); each new
//!    reading refines the prediction, so polls close in geometrically.
//!    Within ~3.5 s of the predicted end, and when the job runs late, poll
//!    every 2 s, growing to 3.5 s if the job keeps running late.
//!
//! Every delay is at least 1 s. `pollIntervalMs` replaces all of this with a
//! fixed interval.

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PollConfig {
    /// A fixed interval instead of the adaptive schedule.
    pub fixed_interval_ms: Option<f64>,
    pub first_delay_ms: f64,
    pub early_interval_ms: f64,
    pub early_phase_ms: f64,
    pub tail_interval_ms: f64,
    pub near_interval_ms: f64,
    /// The longest gap between polls once the predicted end has passed.
    pub late_interval_cap_ms: f64,
    pub max_jump_ms: f64,
    /// Fraction of the predicted remaining time to wait.
    pub jump_fraction: f64,
}

impl Default for PollConfig {
    fn default() -> Self {
        PollConfig {
            fixed_interval_ms: None,
            first_delay_ms: 2_000.0,
            early_interval_ms: 12_000.0,
            early_phase_ms: 55_000.0,
            tail_interval_ms: 4_600.0,
            near_interval_ms: 2_000.0,
            late_interval_cap_ms: 3_500.0,
            max_jump_ms: 40_000.0,
            jump_fraction: 0.6,
        }
    }
}

/// The running state of one wait.
#[derive(Clone, Debug)]
pub struct PollSchedule {
    config: PollConfig,
    started_ms: f64,
    /// `(time, progress)` readings, oldest first (bounded).
    samples: Vec<(f64, f64)>,
    polls: u32,
    /// Consecutive polls at or after the predicted end.
    late_polls: u32,
}

const MAX_SAMPLES: usize = 64;

impl PollSchedule {
    pub fn new(config: PollConfig, now_ms: f64) -> PollSchedule {
        PollSchedule { config, started_ms: now_ms, samples: Vec::new(), polls: 0, late_polls: 0 }
    }

    /// Records the answer of a poll made at `now_ms`.
    pub fn observe(&mut self, now_ms: f64, progress: Option<f64>) {
        self.polls += 1;
        if let Some(p) = progress.filter(|p| p.is_finite()) {
            if self.samples.len() == MAX_SAMPLES {
                self.samples.remove(1);
            }
            self.samples.push((now_ms, p.clamp(0.0, 100.0)));
        }
    }

    /// Predicted completion time, from the progress rate, if one is known.
    pub fn predicted_end_ms(&self) -> Option<f64> {
        let &(tn, pn) = self.samples.last()?;
        if pn <= 0.0 {
            return None;
        }
        // Anchor: the first positive reading, or when there is only one, the
        // last zero before it (processing began somewhere after it, so the
        // rate is overestimated and polls come early, never late).
        let positive: Vec<&(f64, f64)> = self.samples.iter().filter(|s| s.1 > 0.0).collect();
        let anchor = if positive.len() >= 2 { *positive[0] } else { *self.samples.iter().rev().find(|s| s.1 <= 0.0)? };
        let (ta, pa) = anchor;
        if tn <= ta || pn <= pa {
            return None;
        }
        let rate = (pn - pa) / (tn - ta);
        Some(tn + (100.0 - pn) / rate)
    }

    /// How long to wait before the next poll. `random` is in [0, 1).
    pub fn next_delay_ms(&mut self, now_ms: f64, random: f64) -> f64 {
        let c = self.config;
        let jitter = 0.9 + 0.1 * random.clamp(0.0, 1.0);
        if let Some(fixed) = c.fixed_interval_ms {
            return fixed.max(0.0);
        }
        if self.polls == 0 {
            return c.first_delay_ms;
        }
        let delay = match self.predicted_end_ms() {
            Some(end) => {
                let remaining = end - now_ms;
                if remaining > c.near_interval_ms + 1_500.0 {
                    self.late_polls = 0;
                    (remaining * c.jump_fraction).min(c.max_jump_ms)
                } else {
                    self.late_polls += 1;
                    let grown = c.near_interval_ms * 1.25f64.powi(self.late_polls.min(8) as i32 - 1);
                    grown.min(c.late_interval_cap_ms) * jitter
                }
            }
            None if now_ms - self.started_ms < c.early_phase_ms => {
                c.early_interval_ms.min(c.early_phase_ms - (now_ms - self.started_ms)).max(c.first_delay_ms) * jitter
            }
            None => c.tail_interval_ms * jitter,
        };
        delay.max(1_000.0)
    }
}

#[cfg(test)]
#[path = "poll_tests.rs"]
mod tests;
