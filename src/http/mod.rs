//! The network layer: `fetch` (through gloo-net), timers and abort signals,
//! found on the global object so it runs on a page, in a Web Worker and in
//! Node 18+ (no `window` needed). It carries out what the core decides
//! (retry and poll policy) and knows nothing of the JS-facing shapes.

pub(crate) mod body;
pub(crate) mod client;
pub(crate) mod fetch;
pub(crate) mod timer;
