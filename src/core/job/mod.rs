//! The whole conversation with the service about one job, as synchronous
//! code with no I/O (sans-IO): what to send, how long to wait, when to retry
//! and under which `Idempotency-Key`, when to poll, how to read an answer,
//! which error it is, and that the key never leaves in one. The wasm layer's
//! one loop (`crate::io::drive`) carries out its actions with `fetch` and
//! timers; native tests drive it with a simulated clock and server.
//!
//! Every build has it: pages and servers run jobs alike.

pub mod answer;
pub mod client_options;
pub mod exchange;
pub mod machine;
pub mod poll;
pub mod record;
pub mod retry;
