//! What only servers run, as pure Rust (built with the `server` feature, the
//! `happyhorse/server` entry): the proxy's policy and the webhook signature.
//! Pages never download this code; it decides what a stranger's request may
//! reach upstream with the owner's key, so it is tested natively like the
//! core.

pub mod proxy_policy;
pub mod webhook_signature;
