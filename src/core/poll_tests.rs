//! The poll schedule, simulated: jobs of 60–300 s with noisy progress (or
//! none), polled on a virtual clock. Deterministic: a seeded generator.

use super::*;

/// xorshift64*: small, seeded, good enough for jitter and noise.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A job that is queued for `queued_ms`, then reports progress rising
/// linearly (± `noise` points) until it completes at `done_ms`.
struct SimJob {
    queued_ms: f64,
    done_ms: f64,
    noise: f64,
    reports_progress: bool,
}

impl SimJob {
    /// `(finished, progress)` at `t`.
    fn at(&self, t: f64, rng: &mut Rng) -> (bool, Option<f64>) {
        if t >= self.done_ms {
            return (true, Some(100.0));
        }
        if !self.reports_progress {
            return (false, None);
        }
        if t < self.queued_ms {
            return (false, Some(0.0));
        }
        let linear = 100.0 * (t - self.queued_ms) / (self.done_ms - self.queued_ms);
        let noisy = (linear + (rng.next() * 2.0 - 1.0) * self.noise).clamp(0.0, 99.0);
        (false, Some(noisy.round()))
    }
}

/// Polls `job` with `config`; returns (requests, lag after completion).
fn run(job: &SimJob, config: PollConfig, rng: &mut Rng) -> (u32, f64) {
    let mut schedule = PollSchedule::new(config, 0.0);
    let mut t = 0.0;
    let mut requests = 0;
    loop {
        t += schedule.next_delay_ms(t, rng.next());
        requests += 1;
        let (done, progress) = job.at(t, rng);
        if done {
            return (requests, t - job.done_ms);
        }
        schedule.observe(t, progress);
        assert!(requests < 1_000, "runaway schedule");
    }
}

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// 100 jobs from 60 to 300 s (clustered around 180 s).
fn jobs(reports_progress: bool, rng: &mut Rng) -> Vec<SimJob> {
    (0..100)
        .map(|_| {
            let spread = (rng.next() + rng.next() + rng.next()) / 3.0; // ~bell-shaped in [0,1)
            let done_ms = 60_000.0 + spread * 240_000.0;
            SimJob { queued_ms: rng.next() * 8_000.0, done_ms, noise: 3.0, reports_progress }
        })
        .collect()
}

fn simulate(reports_progress: bool, config: PollConfig) -> (f64, f64, f64) {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let jobs = jobs(reports_progress, &mut rng);
    let results: Vec<(u32, f64)> = jobs.iter().map(|j| run(j, config, &mut rng)).collect();
    let mean_requests = results.iter().map(|r| f64::from(r.0)).sum::<f64>() / results.len() as f64;
    let lags: Vec<f64> = results.iter().map(|r| r.1).collect();
    (mean_requests, percentile(lags.clone(), 0.5), percentile(lags, 0.95))
}

/// The provider SDK's documented loop: 2 s growing ×1.5 to a 5 s cap.
fn sdk(job: &SimJob) -> (u32, f64) {
    let (mut t, mut d, mut n) = (0.0, 2_000.0, 0);
    loop {
        t += d;
        n += 1;
        if t >= job.done_ms {
            return (n, t - job.done_ms);
        }
        d = (d * 1.5f64).min(5_000.0);
    }
}

#[test]
fn with_progress_at_most_15_requests_and_p95_lag_within_5s() {
    let (requests, p50, p95) = simulate(true, PollConfig::default());
    assert!(requests <= 15.0, "mean requests {requests}");
    assert!(p95 <= 5_000.0, "p95 lag {p95} ms (p50 {p50})");
}

#[test]
fn without_progress_no_more_requests_than_the_sdk_at_no_worse_lag() {
    let (requests, _p50, p95) = simulate(false, PollConfig::default());
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let sdk_runs: Vec<(u32, f64)> = jobs(false, &mut rng).iter().map(sdk).collect();
    let sdk_requests = sdk_runs.iter().map(|r| f64::from(r.0)).sum::<f64>() / 100.0;
    let sdk_p95 = percentile(sdk_runs.iter().map(|r| r.1).collect(), 0.95);
    assert!(requests <= sdk_requests, "ours {requests} vs sdk {sdk_requests}");
    assert!(p95 <= sdk_p95.max(5_000.0), "ours p95 {p95} vs sdk {sdk_p95}");
}

#[test]
fn first_poll_after_two_seconds_then_sparse_early() {
    let mut s = PollSchedule::new(PollConfig::default(), 0.0);
    assert_eq!(s.next_delay_ms(0.0, 0.5), 2_000.0);
    s.observe(2_000.0, None);
    let d = s.next_delay_ms(2_000.0, 1.0);
    assert_eq!(d, 12_000.0);
    s.observe(60_000.0, None);
    let d = s.next_delay_ms(60_000.0, 0.0);
    assert_eq!(d, 4_140.0);
}

#[test]
fn progress_rate_predicts_the_end() {
    let mut s = PollSchedule::new(PollConfig::default(), 0.0);
    s.observe(10_000.0, Some(10.0));
    s.observe(20_000.0, Some(20.0));
    assert_eq!(s.predicted_end_ms(), Some(100_000.0));
    // 80 s remain: jump 60 % of the way, capped at 40 s.
    assert_eq!(s.next_delay_ms(20_000.0, 0.5), 40_000.0);
    s.observe(90_000.0, Some(90.0));
    assert_eq!(s.next_delay_ms(90_000.0, 0.5), 6_000.0);
}

#[test]
fn fixed_interval_replaces_the_schedule() {
    let mut s = PollSchedule::new(PollConfig { fixed_interval_ms: Some(250.0), ..PollConfig::default() }, 0.0);
    for t in 0..5 {
        assert_eq!(s.next_delay_ms(f64::from(t) * 250.0, 0.3), 250.0);
        s.observe(f64::from(t) * 250.0, Some(50.0));
    }
}

#[test]
fn late_jobs_are_polled_at_most_5s_apart() {
    let mut s = PollSchedule::new(PollConfig::default(), 0.0);
    s.observe(10_000.0, Some(50.0));
    s.observe(20_000.0, Some(99.0));
    let mut t = 20_000.0;
    for _ in 0..20 {
        let d = s.next_delay_ms(t, 1.0);
        assert!(d <= 5_000.0, "{d}");
        t += d;
        s.observe(t, Some(99.0));
    }
}

#[test]
fn print_simulation_figures() {
    // Not an assertion: the figures the closing note and bench quote.
    let (r, p50, p95) = simulate(true, PollConfig::default());
    println!("with progress: {r:.1} requests/job, lag p50 {p50:.0} ms, p95 {p95:.0} ms");
    let (r, p50, p95) = simulate(false, PollConfig::default());
    println!("without progress: {r:.1} requests/job, lag p50 {p50:.0} ms, p95 {p95:.0} ms");
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let runs: Vec<(u32, f64)> = jobs(false, &mut rng).iter().map(sdk).collect();
    let n = runs.iter().map(|r| f64::from(r.0)).sum::<f64>() / 100.0;
    let lags: Vec<f64> = runs.iter().map(|r| r.1).collect();
    println!("provider SDK: {n:.1} requests/job, lag p50 {:.0} ms, p95 {:.0} ms", percentile(lags.clone(), 0.5), percentile(lags, 0.95));
}

#[test]
fn a_180_second_job_costs_about_ten_polls() {
    // The contract's average job: 180 s, 5 s queued, progress ± 3 points.
    let mut rng = Rng(42);
    let job = SimJob { queued_ms: 5_000.0, done_ms: 180_000.0, noise: 3.0, reports_progress: true };
    let (with_progress, lag) = run(&job, PollConfig::default(), &mut rng);
    assert!(with_progress <= 12, "{with_progress} polls");
    assert!(lag <= 5_000.0, "lag {lag} ms");
    let silent = SimJob { reports_progress: false, ..job };
    let (without, lag_without) = run(&silent, PollConfig::default(), &mut rng);
    let (sdk_polls, _) = sdk(&silent);
    assert!(without < sdk_polls, "{without} vs the SDK's {sdk_polls}");
    println!("180 s job: {with_progress} polls (lag {lag:.0} ms) with progress, {without} (lag {lag_without:.0} ms) without; SDK {sdk_polls}, fixed 2 s 90");
}
