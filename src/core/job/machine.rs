//! The job machine: one `Client` call (submit, get, wait, or submit then
//! wait) as a synchronous state machine. It is fed [`Input`]s — a reply, a
//! timer that fired, an abort, an update delivered — with the clock and a
//! random number, and answers the next [`Action`]: send this request, sleep
//! this long, report this job, or finish.
//!
//! It owns every decision of the conversation: the retry schedule and
//! `Retry-After`, the one `Idempotency-Key` a submission is sent under, the
//! poll schedule and the wait's deadline, reading answers and mapping
//! errors, and taking the API key out of every error it finishes with. A
//! submitted job is never lost: every error after the `202` carries its
//! `jobId` (and the last state seen), every error before it the
//! submission's `idempotencyKey`.
//!
//! The I/O that carries it out is one loop (`crate::io::drive`); the poll
//! simulations and fault scenarios in the tests below drive it directly.

use crate::core::error::{Error, ErrorCode};
use crate::core::job::answer::{check_job, parse_accepted, parse_job, Accepted, Job, CANCELLED, COMPLETED, FAILED};
use crate::core::job::client_options::{ClientConfig, WaitConfig};
use crate::core::job::exchange::{aborted, Incoming, Outgoing, Reply};
use crate::core::job::poll::{PollConfig, PollSchedule};
use crate::core::request::{assemble, service_headers};
use crate::core::spec::JOBS_PATH;
use crate::core::text::cat;
use crate::core::value::Value;

/// What a call asks of the machine.
#[derive(Clone, Debug)]
pub enum Task {
    /// Send an already validated body under `idempotency_key`; with
    /// `then_wait`, wait for the job it makes (`generate`).
    Submit { body: Value, idempotency_key: String, then_wait: Option<WaitConfig> },
    /// Read the job once (with retries).
    Get { job_id: String },
    /// Poll until the job ends.
    Wait { job_id: String, wait: WaitConfig },
}

/// What the machine is told.
#[derive(Debug)]
pub enum Input {
    /// The call begins.
    Start,
    /// The reply to the last [`Action::Send`].
    Replied(Reply),
    /// The last [`Action::Sleep`] ended.
    Slept,
    /// The last [`Action::Update`] was delivered.
    Reported,
    /// The caller's signal aborted (during a sleep or before a send).
    Aborted,
}

/// What the machine asks for next.
#[derive(Debug)]
pub enum Action {
    Send(Outgoing),
    /// Wait this many ms (then [`Input::Slept`]), unless the caller aborts.
    Sleep(f64),
    /// Give this state of the job to the caller's `onUpdate`.
    Update(Job),
    /// The call's result. Nothing more is asked after it.
    Done(Result<Output, Error>),
}

/// A call's successful result.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    Accepted(Accepted),
    Job(Job),
}

impl serde::Serialize for Output {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Output::Accepted(a) => a.serialize(s),
            Output::Job(j) => j.serialize(s),
        }
    }
}

/// Where the call stands.
#[derive(Debug)]
enum Phase {
    /// Sending the submission (`retries` so far); waits after it when set.
    Submitting {
        http: Outgoing,
        key: String,
        retries: u32,
        then_wait: Option<WaitConfig>,
    },
    /// Reading the job once.
    Getting {
        http: Outgoing,
        job_id: String,
        retries: u32,
    },
    Waiting(Box<Wait>),
    Finished,
}

/// A wait in progress.
#[derive(Debug)]
struct Wait {
    job_id: String,
    poll: Outgoing,
    poll_config: PollConfig,
    timeout_ms: f64,
    started: f64,
    deadline: f64,
    schedule: PollSchedule,
    /// Whether the schedule knows when the job began: a wait that did not
    /// start at the submit learns its age from the first answer.
    dated: bool,
    /// When the last poll was sent: gaps are measured from there, so the
    /// request's own time counts against the schedule's bound.
    sent: f64,
    /// Set after a failed poll: the wait before the next one.
    after_failure: Option<f64>,
    last: Option<Job>,
    failures_in_a_row: u32,
    /// What the current sleep is for.
    sleeping: Sleep,
    /// Whether the poll in flight was given less than the request timeout
    /// because the wait's deadline came first.
    cut_by_deadline: bool,
    /// What follows the update being delivered.
    after_update: Option<Result<Job, Error>>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Sleep {
    /// Until the next poll, due at this time.
    Poll(f64),
    /// Until the wait's deadline: no poll fits before it.
    Deadline,
}

/// One call's conversation with the service.
#[derive(Debug)]
pub struct Machine {
    config: ClientConfig,
    phase: Phase,
}

impl Machine {
    /// A machine for `task` under the client's `config`. A `Wait` may start
    /// from a state the caller already reported (`generate`'s first update).
    pub fn new(config: ClientConfig, task: Task) -> Machine {
        let phase = match task {
            Task::Submit { body, idempotency_key, then_wait } => {
                let http = assemble(&body, &config.send, &idempotency_key);
                let http = Outgoing {
                    method: "POST",
                    url: http.url,
                    headers: http.headers,
                    body: Some(http.body),
                    timeout_ms: config.request_timeout_ms,
                };
                Phase::Submitting { http, key: idempotency_key, retries: 0, then_wait }
            }
            Task::Get { job_id } => Phase::Getting { http: poll_request(&config, &job_id, config.request_timeout_ms), job_id, retries: 0 },
            Task::Wait { job_id, wait } => Phase::Waiting(Box::new(Wait::new(&config, job_id, wait, None, f64::NAN))),
        };
        Machine { config, phase }
    }

    /// Takes `input` at `now_ms` (Unix ms) with `random` in [0, 1), and
    /// answers what to do next. After [`Action::Done`] it answers `Done`
    /// with an `ABORTED` error to anything (a driver that went on).
    pub fn step(&mut self, input: Input, now_ms: f64, random: f64) -> Action {
        let secret = self.config.send.api_key.clone();
        match self.advance(input, now_ms, random) {
            Action::Done(result) => {
                self.phase = Phase::Finished;
                Action::Done(result.map_err(|e| e.redact(secret.as_deref())))
            }
            other => other,
        }
    }

    fn advance(&mut self, input: Input, now: f64, random: f64) -> Action {
        let config = &self.config;
        match &mut self.phase {
            Phase::Finished => Action::Done(Err(aborted())),
            Phase::Submitting { http, key, retries, then_wait } => {
                // The exchange's failures follow the retry policy; an answer
                // that came but cannot be read is final (sending the same
                // request again would get the same answer).
                let result = match input {
                    Input::Start | Input::Slept | Input::Reported => return Action::Send(http.clone()),
                    Input::Aborted => Err(aborted()),
                    Input::Replied(reply) => reply.judge(http.timeout_ms, now).map(|answer| {
                        parse_accepted(&answer.body).map_err(|e| Error::bad_response(e.0, Some(answer.status), answer.request_id))
                    }),
                };
                let result = match retry(config, retries, result, random) {
                    Ok(read) => read,
                    Err(delay) => return Action::Sleep(delay),
                };
                match result {
                    Ok(accepted) => match then_wait {
                        None => Action::Done(Ok(Output::Accepted(accepted))),
                        Some(wait) => {
                            // generate: the first update is the accepted job,
                            // so its id is known at once.
                            let first = Job::accepted(&accepted);
                            let wait = Wait::new(config, accepted.job_id, *wait, Some(first.clone()), now);
                            self.phase = Phase::Waiting(Box::new(wait));
                            Action::Update(first)
                        }
                    },
                    Err(mut e) => {
                        e.idempotency_key = Some(key.clone());
                        Action::Done(Err(e))
                    }
                }
            }
            Phase::Getting { http, job_id, retries } => {
                let result = match input {
                    Input::Start | Input::Slept | Input::Reported => return Action::Send(http.clone()),
                    Input::Aborted => Err(aborted()),
                    Input::Replied(reply) => reply.judge(http.timeout_ms, now).map(|answer| read_job(answer, job_id)),
                };
                let result = match retry(config, retries, result, random) {
                    Ok(read) => read,
                    Err(delay) => return Action::Sleep(delay),
                };
                match result {
                    Ok(job) => Action::Done(Ok(Output::Job(job))),
                    Err(e) => Action::Done(Err(e.with_job_id(job_id))),
                }
            }
            Phase::Waiting(wait) => wait.advance(config, input, now, random),
        }
    }
}

/// The retry policy on one exchange of a submit or a get: `judged` is the
/// exchange's outcome (`Err`: it failed; `Ok`: an answer came, read or not).
/// A failure the policy retries becomes `Err(delay)`, the sleep before the
/// next attempt; anything else is the call's result.
fn retry<T>(
    config: &ClientConfig,
    retries: &mut u32,
    judged: Result<Result<T, Error>, Error>,
    random: f64,
) -> Result<Result<T, Error>, f64> {
    match judged {
        Ok(read) => Ok(read),
        Err(e) => match config.retry.delay(*retries, &e, random) {
            Some(delay) => {
                *retries += 1;
                Err(delay)
            }
            None => Ok(Err(e)),
        },
    }
}

/// `GET {baseUrl}/v2/jobs/{id}`; `job_id` is a UUID (checked by the caller).
fn poll_request(config: &ClientConfig, job_id: &str, timeout_ms: f64) -> Outgoing {
    Outgoing {
        method: "GET",
        url: cat(&[&config.send.base_url, JOBS_PATH, job_id]),
        headers: service_headers(config.send.api_key.as_deref(), false, None),
        body: None,
        timeout_ms,
    }
}

/// A job from a poll's answer: one about the job asked for, or the error
/// (carrying the refused job, when it was one).
fn read_job(answer: Incoming, job_id: &str) -> Result<Job, Error> {
    let job = parse_job(&answer.body).map_err(|e| Error::bad_response(e.0, Some(answer.status), answer.request_id.clone()))?;
    match check_job(&job, job_id) {
        Ok(()) => Ok(job),
        Err(e) => {
            let mut err = Error::bad_response(e.0, Some(answer.status), answer.request_id);
            err.job = Some(Box::new(job));
            Err(err)
        }
    }
}

impl Wait {
    /// A wait starting at `started` (NaN: at the first input), from
    /// `initial` when the caller already reported a state.
    fn new(config: &ClientConfig, job_id: String, wait: WaitConfig, initial: Option<Job>, started: f64) -> Wait {
        Wait {
            poll: poll_request(config, &job_id, config.request_timeout_ms),
            poll_config: wait.poll,
            timeout_ms: wait.timeout_ms,
            job_id,
            started,
            deadline: started + wait.timeout_ms,
            schedule: PollSchedule::new(wait.poll, started),
            dated: initial.is_some(),
            sent: started,
            after_failure: None,
            last: initial,
            failures_in_a_row: 0,
            sleeping: Sleep::Deadline,
            cut_by_deadline: false,
            after_update: None,
        }
    }

    /// Ends the wait with `e`, carrying the job it is about: the one it
    /// names (a refused answer, a failed job), else the last state seen.
    fn end(&mut self, mut e: Error) -> Action {
        e.job_id = Some(self.job_id.clone());
        if e.job.is_none() {
            e.job = self.last.take().map(Box::new);
        }
        Action::Done(Err(e))
    }

    fn timed_out(&mut self) -> Action {
        let message = cat(&["the job did not finish within the wait's timeoutMs; resume with waitForJob(\"", &self.job_id, "\")"]);
        self.end(Error::new(ErrorCode::Timeout, message))
    }

    fn advance(&mut self, config: &ClientConfig, input: Input, now: f64, random: f64) -> Action {
        if self.started.is_nan() {
            // waitForJob: the wait starts now.
            self.started = now;
            self.deadline = now + self.timeout_ms;
            self.sent = now;
            self.schedule = PollSchedule::new(self.poll_config, now);
        }
        match input {
            Input::Start => self.next_poll(now, random),
            Input::Aborted | Input::Replied(Reply::Aborted) => self.end(aborted()),
            Input::Reported => match self.after_update.take() {
                Some(Ok(job)) if job.status == COMPLETED => Action::Done(Ok(Output::Job(job))),
                Some(Ok(job)) => {
                    self.last = Some(job);
                    self.next_poll(now, random)
                }
                Some(Err(e)) => self.end(e),
                // generate's first update: the wait begins.
                None => self.next_poll(now, random),
            },
            Input::Slept => match self.sleeping {
                // A timer holds at most ~24.8 days: one that fired early is
                // slept again for the rest.
                Sleep::Deadline if self.deadline - now > 1.0 => Action::Sleep(self.deadline - now),
                Sleep::Deadline => self.timed_out(),
                Sleep::Poll(due) if due - now > 1.0 => Action::Sleep(due - now),
                Sleep::Poll(_) => {
                    self.sent = now;
                    let left = (self.deadline - now).max(0.0);
                    self.cut_by_deadline = left < config.request_timeout_ms;
                    self.poll.timeout_ms = config.request_timeout_ms.min(left);
                    Action::Send(self.poll.clone())
                }
            },
            Input::Replied(Reply::TimedOut) if self.cut_by_deadline => self.timed_out(),
            Input::Replied(reply) => match reply.judge(self.poll.timeout_ms, now).and_then(|answer| read_job(answer, &self.job_id)) {
                Ok(job) => self.observe(job, now, random),
                Err(e) => self.failed(config, e, now, random),
            },
        }
    }

    /// A poll answered with `job`.
    fn observe(&mut self, job: Job, now: f64, random: f64) -> Action {
        self.failures_in_a_row = 0;
        if !self.dated {
            self.dated = true;
            let created = job.raw.get("createdAt").and_then(Value::as_str).and_then(crate::core::date::iso8601_ms);
            if let Some(created) = created.filter(|c| *c < self.started) {
                self.schedule = PollSchedule::new(self.poll_config, created);
            }
        }
        self.schedule.observe(now, job.progress);
        let changed = self.last.as_ref().is_none_or(|prev| prev.status != job.status || prev.progress != job.progress);
        let next = match job.status.as_str() {
            FAILED => {
                let message = job.error.clone().unwrap_or_else(|| String::from("the job failed (its credits are refunded)"));
                let mut e = Error::new(ErrorCode::JobFailed, message);
                e.job = Some(Box::new(job.clone()));
                Err(e)
            }
            CANCELLED => {
                let mut e = Error::new(ErrorCode::JobCancelled, "the job was cancelled");
                e.job = Some(Box::new(job.clone()));
                Err(e)
            }
            _ => Ok(job.clone()),
        };
        if changed {
            self.after_update = Some(next);
            return Action::Update(job);
        }
        match next {
            Ok(job) if job.status == COMPLETED => Action::Done(Ok(Output::Job(job))),
            Ok(job) => {
                self.last = Some(job);
                self.next_poll(now, random)
            }
            Err(e) => self.end(e),
        }
    }

    /// A poll failed with `e`.
    fn failed(&mut self, config: &ClientConfig, e: Error, now: f64, random: f64) -> Action {
        self.failures_in_a_row += 1;
        if !e.retryable || self.failures_in_a_row >= config.max_poll_failures {
            return self.end(e);
        }
        // Back off (or wait out Retry-After, instead of the step) and keep
        // waiting — unless that would outlast the wait itself: then stop now
        // with retryAfterMs and jobId, so the caller knows when to resume.
        let remaining = self.deadline - now;
        let scheduled = self.schedule.next_delay_ms(now, random);
        match config.retry.poll_delay_after_failure(self.failures_in_a_row, e.retry_after_ms, scheduled, remaining) {
            // Once the job could be finished, the backoff keeps within the
            // schedule's lag bound (a Retry-After is the service's to set,
            // and is honoured as given).
            Some(delay) if e.retry_after_ms.is_none() && now >= self.schedule.earliest_end_ms() => {
                self.after_failure = Some(delay.min(self.poll_config.max_gap_ms))
            }
            Some(delay) => self.after_failure = Some(delay),
            // No Retry-After, only the backoff outlasts the wait: wait it out
            // to the deadline and end with TIMEOUT, the code a caller resumes on.
            None if e.retry_after_ms.is_none() => self.after_failure = Some((self.deadline - self.sent).max(0.0)),
            None => return self.end(e),
        }
        self.next_poll(now, random)
    }

    /// Sleeps until the next poll is due, or until the deadline when that
    /// comes first.
    fn next_poll(&mut self, now: f64, random: f64) -> Action {
        let delay = match self.after_failure.take() {
            Some(delay) => delay,
            None => self.schedule.next_delay_ms(now, random),
        };
        let due = self.sent + delay;
        if due >= self.deadline {
            self.sleeping = Sleep::Deadline;
            return Action::Sleep((self.deadline - now).max(0.0));
        }
        self.sleeping = Sleep::Poll(due);
        Action::Sleep((due - now).max(0.0))
    }
}

#[cfg(test)]
#[path = "machine_tests.rs"]
mod tests;
