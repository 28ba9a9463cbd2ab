//! The server build's exports (`server` feature): `createProxy` with its
//! upstream exchange and node:http adapter, and `verifyWebhook`. The
//! decisions are `crate::server`'s; this folder reads requests, calls the
//! owner's hooks and WebCrypto, and writes responses.

pub(crate) mod create_proxy;
mod types;
mod upstream;
pub(crate) mod verify_webhook;
