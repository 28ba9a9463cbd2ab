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
//! A job can also be *recorded* (the client has a store): the machine then
//! first claims the job ([`Action::Claim`]: one tab of an origin polls it,
//! the others hear what that tab saves), and says what to save or drop at
//! each step ([`Machine::take_change`]): the submission before it is sent,
//! the job id when accepted, each state reported, the end. A recorded job
//! whose submission's answer never came is sent again under the same key and
//! body ([`Task::Resume`]), so a reload never makes a second job.
//!
//! A job's age is read on the service's clock only: its `createdAt` against
//! the answer's `Date`. The page's clock is never compared with either (a
//! laptop's clock minutes off would otherwise make a wait poll as if the
//! job were long overdue); without both, a wait starts as if the job were
//! new.
//!
//! The I/O that carries it out is one loop (`crate::io::drive`); the poll
//! simulations and fault scenarios in the tests below drive it directly.

use crate::core::error::{Error, ErrorCode};
use crate::core::job::answer::{check_job, parse_accepted, parse_job, Accepted, Job, CANCELLED, COMPLETED, FAILED};
use crate::core::job::client_options::{ClientConfig, WaitConfig};
use crate::core::job::exchange::{aborted, Incoming, Outgoing, Reply};
use crate::core::job::poll::{PollConfig, PollSchedule};
use crate::core::job::record::Record;
use crate::core::request::{assemble, service_headers, wire_body};
use crate::core::spec::{IDEMPOTENCY_WINDOW_MS, JOBS_PATH};
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
    /// Poll until the job ends; `record` when the job is recorded.
    Wait { job_id: String, wait: WaitConfig, record: Option<Record> },
    /// Carry a recorded job to its end: wait on it, or send its submission
    /// again (same key, same body) when its answer never came.
    Resume { record: Record, wait: WaitConfig },
}

/// What the store should do, after a step of a recorded job.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// Store this record (and tell the other tabs).
    Save(Record),
    /// Drop the record of this idempotency key: the service refused the
    /// submission, so there is no job to keep.
    Drop(String),
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
    /// This tab now holds the job's claim; the record as the store holds it
    /// now (another tab may have moved it on), if it holds one.
    Claimed(Option<Record>),
    /// The tab that holds the claim saved this record of the job.
    Heard(Record),
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
    /// Claim the recorded job `key` (one poller per job across the tabs of
    /// an origin) and answer [`Input::Claimed`]; until it is held, answer
    /// [`Input::Heard`] with each record the holder saves, or
    /// [`Input::Slept`] after `wait_ms`.
    Claim {
        key: String,
        wait_ms: f64,
    },
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
    /// Until this tab holds the recorded job's claim: following the tab
    /// that does, until `until` (the call's own deadline).
    Claiming {
        task: Box<Task>,
        until: f64,
        last: Option<Job>,
        after_update: Option<Result<Output, Error>>,
    },
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
    /// start at its own submit learns the job's age from the first answer
    /// (its `Date` against its `createdAt`, both the service's clock).
    dated: bool,
    /// When the last poll was sent: gaps are measured from there, so the
    /// request's own time counts against the schedule's bound.
    sent: f64,
    /// The wait before the next poll when the schedule does not set it:
    /// after a failed poll, or none at all when the submit's answer already
    /// said the job had ended.
    off_schedule: Option<f64>,
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
    journal: Option<Journal>,
}

/// A recorded job's record, as this call keeps it.
#[derive(Debug)]
struct Journal {
    record: Record,
    /// Whether this tab holds the claim (only then is anything saved).
    claimed: bool,
    /// Whether the submission was saved before it is first sent.
    saved_submission: bool,
    change: Option<Change>,
}

impl Machine {
    /// A machine for `task` under the client's `config`. A submission is
    /// recorded when the client keeps jobs (`config.keep`); a wait or a
    /// resume when it is given a record.
    pub fn new(config: ClientConfig, task: Task) -> Machine {
        let record = match &task {
            Task::Submit { body, idempotency_key, .. } if config.keep => {
                Some(Record::new(&config.send.base_url, idempotency_key, wire_body(body), f64::NAN))
            }
            Task::Wait { record, .. } => record.clone(),
            Task::Resume { record, .. } => Some(record.clone()),
            _ => None,
        };
        let journal = record.map(|record| Journal { record, claimed: false, saved_submission: false, change: None });
        let phase = match journal {
            Some(_) => Phase::Claiming { task: Box::new(task), until: f64::NAN, last: None, after_update: None },
            None => Self::phase(&config, task, f64::NAN),
        };
        Machine { config, phase, journal }
    }

    /// The phase that carries out `task` from `now`.
    fn phase(config: &ClientConfig, task: Task, now: f64) -> Phase {
        match task {
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
            Task::Get { job_id } => Phase::Getting { http: poll_request(config, &job_id, config.request_timeout_ms), job_id, retries: 0 },
            Task::Wait { job_id, wait, .. } => Phase::Waiting(Box::new(Wait::new(config, job_id, wait, None, now, false))),
            Task::Resume { record, wait } => match (record.job_id.clone(), record.last()) {
                (Some(job_id), last) => Phase::Waiting(Box::new(Wait::new(config, job_id, wait, last, now, false))),
                (None, _) => {
                    Self::phase(config, Task::Submit { body: record.body, idempotency_key: record.key, then_wait: Some(wait) }, now)
                }
            },
        }
    }

    /// What the store should do now, for a recorded job: asked after every
    /// step, and done before the step's action is carried out (so a
    /// submission is recorded before it is sent).
    pub fn take_change(&mut self) -> Option<Change> {
        self.journal.as_mut().and_then(|j| j.change.take())
    }

    /// Takes `input` at `now_ms` (Unix ms) with `random` in [0, 1), and
    /// answers what to do next. After [`Action::Done`] it answers `Done`
    /// with an `ABORTED` error to anything (a driver that went on).
    pub fn step(&mut self, input: Input, now_ms: f64, random: f64) -> Action {
        let secret = self.config.send.api_key.clone();
        let action = self.advance(input, now_ms, random);
        let submitting = matches!(self.phase, Phase::Submitting { .. });
        self.journal(&action, submitting, now_ms);
        match action {
            Action::Done(result) => {
                self.phase = Phase::Finished;
                Action::Done(result.map_err(|e| e.redact(secret.as_deref())))
            }
            other => other,
        }
    }

    /// What a recorded job's store should do after `action`: save each state
    /// reported and the end, the submission before it is first sent; drop
    /// the record when the service refused the submission (`submitting`: the
    /// action is the submission's), for then there is no job and nothing
    /// was charged.
    fn journal(&mut self, action: &Action, submitting: bool, now: f64) {
        let Some(j) = self.journal.as_mut().filter(|j| j.claimed) else { return };
        let state = match action {
            Action::Send(_) if submitting && !j.saved_submission => {
                j.saved_submission = true;
                // Dated once, when first sent: a resend keeps that date, for
                // the service's idempotency window counts from it.
                if j.record.saved_at.is_nan() {
                    j.record.saved_at = now;
                }
                j.change = Some(Change::Save(j.record.clone()));
                return;
            }
            Action::Update(job) | Action::Done(Ok(Output::Job(job))) => job.clone(),
            Action::Done(Ok(Output::Accepted(a))) => Job::accepted(a),
            Action::Done(Err(e)) if submitting && e.status.is_some_and(|s| (400..500).contains(&s)) && !e.retryable => {
                j.change = Some(Change::Drop(j.record.key.clone()));
                return;
            }
            Action::Done(Err(e)) => match e.job.as_deref() {
                Some(job) if job.is_final() => job.clone(),
                _ => return,
            },
            _ => return,
        };
        // A state already saved (the end, reported and then returned) is
        // not saved twice.
        if j.record.last().is_some_and(|l| l.status == state.status && l.progress == state.progress) {
            return;
        }
        j.record.observe(&state, now);
        j.change = Some(Change::Save(j.record.clone()));
    }

    fn advance(&mut self, input: Input, now: f64, random: f64) -> Action {
        if let Phase::Claiming { .. } = self.phase {
            return self.claiming(input, now, random);
        }
        let config = &self.config;
        match &mut self.phase {
            Phase::Finished | Phase::Claiming { .. } => Action::Done(Err(aborted())),
            Phase::Submitting { http, key, retries, then_wait } => {
                // The exchange's failures follow the retry policy; an answer
                // that came but cannot be read is final (sending the same
                // request again would get the same answer).
                let result = match input {
                    Input::Start | Input::Slept | Input::Reported | Input::Claimed(_) | Input::Heard(_) => {
                        return Action::Send(http.clone())
                    }
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
                            let mut wait = Wait::new(config, accepted.job_id, *wait, Some(first.clone()), now, true);
                            if first.is_final() {
                                // A replayed submission whose job has ended
                                // (after a reload): its result is one poll
                                // away, not a schedule away.
                                wait.off_schedule = Some(0.0);
                            }
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
                    Input::Start | Input::Slept | Input::Reported | Input::Claimed(_) | Input::Heard(_) => {
                        return Action::Send(http.clone())
                    }
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
    /// Before this tab holds a recorded job's claim: wait for it, reporting
    /// what the holder saves, and end as the job ends if it does meanwhile.
    fn claiming(&mut self, input: Input, now: f64, random: f64) -> Action {
        let Phase::Claiming { task, until, last, after_update } = &mut self.phase else { return Action::Done(Err(aborted())) };
        let Some(journal) = self.journal.as_mut() else { return Action::Done(Err(aborted())) };
        if until.is_nan() {
            *until = now + claim_time(&self.config, task);
        }
        let key = journal.record.key.clone();
        let claim = |until: f64| Action::Claim { key: key.clone(), wait_ms: (until - now).max(0.0) };
        match input {
            Input::Start => claim(*until),
            Input::Reported => match after_update.take() {
                Some(done) => Action::Done(done),
                None => claim(*until),
            },
            Input::Heard(heard) => {
                journal.record.merge(&heard);
                let Some(job) =
                    journal.record.last().filter(|j| last.as_ref().is_none_or(|l| l.status != j.status || l.progress != j.progress))
                else {
                    return claim(*until);
                };
                *last = Some(job.clone());
                *after_update = ending(&job).map(|end| end.map(Output::Job).map_err(|e| e.with_job_id(&job.job_id)));
                Action::Update(job)
            }
            Input::Slept if now < *until => claim(*until),
            Input::Slept | Input::Aborted | Input::Replied(_) => {
                let mut e = match input {
                    Input::Slept => {
                        Error::new(ErrorCode::Timeout, "the job did not finish within the wait's timeoutMs; resume it with resume()")
                    }
                    _ => aborted(),
                };
                e.idempotency_key = Some(journal.record.key.clone());
                e.job_id.clone_from(&journal.record.job_id);
                e.job = last.take().map(Box::new);
                Action::Done(Err(e))
            }
            Input::Claimed(stored) => {
                if let Some(stored) = stored {
                    journal.record.merge(&stored);
                }
                journal.claimed = true;
                let task = std::mem::replace(task.as_mut(), Task::Get { job_id: String::new() });
                match next_task(&journal.record, task, now) {
                    Next::Carry(task) => {
                        self.phase = Self::phase(&self.config, task, now);
                        self.advance(Input::Start, now, random)
                    }
                    Next::Done(done) => Action::Done(done),
                }
            }
        }
    }
}

/// What a call on a recorded job does next.
enum Next {
    Carry(Task),
    Done(Result<Output, Error>),
}

/// What a call on a recorded job does once this tab holds its claim, from
/// the record as it stands (another tab may have taken the job to its end,
/// or had it accepted, since the call began): the task to carry out, or the
/// call's result at once.
fn next_task(record: &Record, task: Task, now: f64) -> Next {
    // A body read back from the store, not one this call validated.
    let from_store = matches!(task, Task::Resume { .. } | Task::Wait { .. });
    let wait = match task {
        Task::Submit { then_wait, .. } => then_wait,
        Task::Wait { wait, .. } | Task::Resume { wait, .. } => Some(wait),
        Task::Get { .. } => None,
    };
    match (record.job_id.clone(), record.last(), wait) {
        (Some(_), Some(job), _) if job.is_final() => {
            let job_id = job.job_id.clone();
            Next::Done(ending(&job).unwrap_or(Ok(job)).map(Output::Job).map_err(|e| e.with_job_id(&job_id)))
        }
        (Some(job_id), last, None) => {
            let status = last.map_or_else(|| String::from(super::answer::QUEUED), |j| j.status);
            Next::Done(Ok(Output::Accepted(Accepted { job_id, status })))
        }
        (Some(_), _, Some(wait)) => Next::Carry(Task::Resume { record: record.clone(), wait }),
        (None, _, _) if now - record.saved_at > IDEMPOTENCY_WINDOW_MS - RESEND_MARGIN_MS || record.saved_at - now > RESEND_MARGIN_MS => {
            // The service keeps a key for 24 hours: sent again after that,
            // the same submission could make a second job and be charged
            // twice. A record dated well after now (a clock set back, or a
            // record not written by this client) has no age to trust either.
            let mut e = Error::new(
                ErrorCode::Conflict,
                "the submission's answer never came and it was recorded too long ago to be sent again safely (the service keeps an idempotency key for 24 hours); check your jobs on the service, then forget() it",
            );
            e.idempotency_key = Some(record.key.clone());
            Next::Done(Err(e))
        }
        (None, _, _) if from_store && !crate::core::validate(&record.body).ok() => {
            // The stored body is checked as the caller's request is: the API
            // key goes with whatever is sent.
            let mut e = Error::invalid(crate::core::validate(&record.body));
            e.idempotency_key = Some(record.key.clone());
            Next::Done(Err(e))
        }
        (None, _, then_wait) => Next::Carry(Task::Submit { body: record.body.clone(), idempotency_key: record.key.clone(), then_wait }),
    }
}

/// How long a call may wait for a recorded job's claim: its wait's timeout,
/// or, for a submission alone, the time its retries may take.
fn claim_time(config: &ClientConfig, task: &Task) -> f64 {
    match task {
        Task::Submit { then_wait: Some(wait), .. } | Task::Wait { wait, .. } | Task::Resume { wait, .. } => wait.timeout_ms,
        _ => config.wait.timeout_ms,
    }
}

/// Margin before the service's idempotency window closes, inside which a
/// recorded submission is no longer sent again: the page's clock (which
/// dates the record) may drift.
const RESEND_MARGIN_MS: f64 = 3_600_000.0;

/// How a job in a final state ends a call: `Ok` for COMPLETED, the error
/// for FAILED or CANCELLED; `None` while it runs.
fn ending(job: &Job) -> Option<Result<Job, Error>> {
    match job.status.as_str() {
        COMPLETED => Some(Ok(job.clone())),
        FAILED => {
            let message = job.error.clone().unwrap_or_else(|| String::from("the job failed (its credits are refunded)"));
            let mut e = Error::new(ErrorCode::JobFailed, message);
            e.job = Some(Box::new(job.clone()));
            Some(Err(e))
        }
        CANCELLED => {
            let mut e = Error::new(ErrorCode::JobCancelled, "the job was cancelled");
            e.job = Some(Box::new(job.clone()));
            Some(Err(e))
        }
        _ => None,
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
    /// `initial` when the caller already reported a state; `dated` when the
    /// job began at `started` (the submit that made it).
    fn new(config: &ClientConfig, job_id: String, wait: WaitConfig, initial: Option<Job>, started: f64, dated: bool) -> Wait {
        Wait {
            poll: poll_request(config, &job_id, config.request_timeout_ms),
            poll_config: wait.poll,
            timeout_ms: wait.timeout_ms,
            job_id,
            started,
            deadline: started + wait.timeout_ms,
            schedule: PollSchedule::new(wait.poll, started),
            dated,
            sent: started,
            off_schedule: None,
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
            Input::Start | Input::Claimed(_) | Input::Heard(_) => self.next_poll(now, random),
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
            Input::Replied(reply) => match reply.judge(self.poll.timeout_ms, now).and_then(|answer| {
                let date = answer.date_ms;
                read_job(answer, &self.job_id).map(|job| (job, date))
            }) {
                Ok((job, date)) => self.observe(job, date, now, random),
                Err(e) => self.failed(config, e, now, random),
            },
        }
    }

    /// A poll answered with `job`, in an answer dated `date` (the
    /// service's clock, from its `Date` header).
    fn observe(&mut self, job: Job, date: Option<f64>, now: f64, random: f64) -> Action {
        self.failures_in_a_row = 0;
        if !self.dated {
            self.dated = true;
            // The job's age on the service's clock, moved onto the page's
            // as a span: never a page time compared with a service time.
            let created = job.raw.get("createdAt").and_then(Value::as_str).and_then(crate::core::date::iso8601_ms);
            if let (Some(created), Some(date)) = (created, date) {
                let age = (date - created).max(0.0);
                if age.is_finite() && age > 0.0 {
                    self.schedule = PollSchedule::new(self.poll_config, (now - age).min(self.started));
                }
            }
        }
        self.schedule.observe(now, job.progress);
        let changed = self.last.as_ref().is_none_or(|prev| prev.status != job.status || prev.progress != job.progress);
        let next = ending(&job).unwrap_or_else(|| Ok(job.clone()));
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
                self.off_schedule = Some(delay.min(self.poll_config.max_gap_ms))
            }
            Some(delay) => self.off_schedule = Some(delay),
            // No Retry-After, only the backoff outlasts the wait: wait it out
            // to the deadline and end with TIMEOUT, the code a caller resumes on.
            None if e.retry_after_ms.is_none() => self.off_schedule = Some((self.deadline - self.sent).max(0.0)),
            None => return self.end(e),
        }
        self.next_poll(now, random)
    }

    /// Sleeps until the next poll is due, or until the deadline when that
    /// comes first.
    fn next_poll(&mut self, now: f64, random: f64) -> Action {
        let delay = match self.off_schedule.take() {
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
