//! The server build's declarations (`createProxy`, `verifyWebhook`), added
//! to the `.d.ts` beside the ones every build has (`wasm/types.rs`) only
//! when the `server` feature builds those exports.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const SERVER_TYPES: &'static str = r#"
/** Arguments of `verifyWebhook`. */
export interface WebhookInput {
  apiKey: string;
  /** The raw request body, exactly as received. */
  body: string | Uint8Array | ArrayBuffer;
  /** The `X-Webhook-Signature` header: "sha256=<hex>" or bare hex. */
  signature: string;
}

/** Options of `createProxy` (server side: the key never reaches a page). */
export interface ProxyOptions {
  /** Required. Sent upstream as `X-API-Key`; read it from the environment. */
  apiKey: string;
  /** Default "https://api.apiframe.ai". */
  upstream?: string;
  /** Where the handler is mounted, e.g. "/api/apiframe" (default ""). */
  basePath?: string;
  /** Called first on each forwarded route; false (or a throw) answers 401 and touches nothing upstream. */
  authorize?: (request: Request) => boolean | Promise<boolean>;
  /** Submissions estimated above this many credits get a local 402. */
  maxCreditsPerJob?: number;
  /** Exact origins allowed to call cross-origin (default none: same-origin only). */
  allowedOrigins?: string[];
  /** Called before a submission is forwarded (its body is already read); a throw or rejection refuses it with 403. */
  onSubmit?: (event: SubmitEvent) => void | Promise<void>;
  /** Largest submitted body, default 65536 (64 KiB), at most 1 MiB. */
  maxBodyBytes?: number;
  /** Limit of each upstream exchange in ms, default 30000; 504 past it. */
  timeoutMs?: number;
  /** Host names (no port) this proxy answers for; ".app.example" also allows subdomains.
   *  IP literals and localhost are always answered. Default: when node:http took the
   *  connection on a loopback address, no other names (the DNS-rebinding defence);
   *  otherwise all. Set it for a development server reached through a framework. */
  allowedHosts?: string[];
  /** Limit of each call of authorize or onSubmit in ms, default 10000; 503 past it. */
  hookTimeoutMs?: number;
  /** Limit of reading a submitted body in ms, default 10000; 408 past it. */
  bodyTimeoutMs?: number;
}

/** What `onSubmit` is told about a submission about to be forwarded. */
export interface SubmitEvent {
  request: Request;
  estimate: Estimate;
  report: Report;
}

/** The `createProxy` handler: a WHATWG handler, plus an adapter for node:http / Express. */
export interface ProxyHandler {
  (request: Request): Promise<Response>;
  /** `http.createServer(proxy.node)` or `app.use('/api/apiframe', proxy.node)` (before any body parser). */
  node(req: unknown, res: unknown): void;
}
"#;
