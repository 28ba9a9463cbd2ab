//! TypeScript declarations for every shape the exports take and return.
//!
//! Written by hand in a `typescript_custom_section` rather than derived
//! with `tsify`: it costs zero bytes of wasm. A JS test
//! (`tests/node/types.test.mjs`) keeps the declared keys in step with what
//! the exports return, and `tests/dts_codes.rs` keeps the `IssueCode` and
//! `ErrorCode` unions equal to the Rust enums. The server build's
//! declarations are in `wasm/server/types.rs`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Where a request is going: decided by how many images it has. */
export type Mode = "text-to-video" | "image-to-video" | "reference-to-video";
export type ResolutionName = "720p" | "1080p";
export type AspectRatio = "16:9" | "9:16" | "1:1" | "4:3" | "3:4";
export type WebhookEvent = "progress" | "completed" | "failed";

/** The `happyhorse11Params` block of a request. */
export interface HappyHorse11Params {
  /** 0 images: text-to-video; 1: image-to-video; 2–9: reference-to-video. */
  images?: string[];
  resolution?: ResolutionName;
  /** Ignored when animating exactly one image. */
  aspect_ratio?: AspectRatio;
  /** Whole seconds, 3–15; default 5. */
  duration?: number;
  /** 0–2147483647; the same seed gives the same result. */
  seed?: number;
}

/** A request body exactly as the service takes it; `model` may be left out. */
export interface VideoRequest {
  prompt: string;
  model?: "happyhorse-1.1";
  happyhorse11Params?: HappyHorse11Params;
  webhookUrl?: string;
  webhookEvents?: WebhookEvent[];
}

/** Every issue code (the npm README's table says what each means). Held
 *  equal to the Rust enum `IssueCode` by tests/dts_codes.rs. */
export type IssueCode =
  | "NOT_AN_OBJECT" | "WRONG_TYPE" | "UNKNOWN_FIELD" | "PROMPT_MISSING"
  | "PROMPT_EMPTY" | "PROMPT_TOO_LONG" | "UNSUPPORTED_MODEL" | "TOO_MANY_IMAGES"
  | "IMAGE_NOT_URL" | "IMAGE_LOCAL_FILE" | "INVALID_RESOLUTION" | "INVALID_ASPECT_RATIO"
  | "INVALID_DURATION" | "INVALID_SEED" | "INVALID_WEBHOOK_URL" | "INVALID_WEBHOOK_EVENT"
  | "WEBHOOK_EVENTS_EMPTY" | "IMAGE_REFERENCE_OUT_OF_RANGE" | "IMAGE_REFERENCE_WITHOUT_IMAGES" | "IDEMPOTENCY_KEY_TOO_LONG"
  | "INVALID_OPTION" | "INVALID_JOB_ID" | "SERVER_REJECTED" | "ASPECT_RATIO_IGNORED"
  | "IMAGE_NOT_REFERENCED" | "IMAGE_REFERENCE_NEAR_MISS" | "DUPLICATE_IMAGE" | "IMAGE_NOT_HTTPS"
  | "IMAGE_UNREACHABLE" | "WEBHOOK_NOT_HTTPS" | "WEBHOOK_UNREACHABLE" | "WEBHOOK_EVENTS_WITHOUT_URL"
  | "IMAGE_UNREADABLE" | "IMAGE_UNSUPPORTED_FORMAT" | "IMAGE_FORMAT_UNVERIFIED" | "IMAGE_TOO_SMALL";

/** One finding of a check. */
export interface Issue {
  /** Field path: "" for the request itself, "prompt", "happyhorse11Params.images[3]". */
  path: string;
  /** Stable code, e.g. "TOO_MANY_IMAGES". */
  code: IssueCode;
  /** A sentence for people. */
  message: string;
}

/** The answer of `validate`. */
export interface Report {
  /** `true` when there are no errors (warnings do not block). */
  ok: boolean;
  mode: Mode | null;
  errors: Issue[];
  warnings: Issue[];
}

/** The answer of `estimateCost`. */
export interface Estimate {
  credits: number;
  creditsPerSecond: number;
  seconds: number;
  resolution: ResolutionName;
  /** `true` when the request gives no duration and the default was used. */
  assumedDuration: boolean;
}

/** Options of `buildRequest`. */
export interface BuildOptions {
  /** Sent as `X-API-Key`. Leave unset in pages: let your backend add it. */
  apiKey?: string;
  /** Default "https://api.apiframe.ai"; a same-origin path like "/api" works too. */
  baseUrl?: string;
  /** At most 255 characters; a fresh UUID v4 when left out. */
  idempotencyKey?: string;
}

/** A request ready for `fetch(url, { method, headers, body })`. */
export interface HttpRequest {
  method: "POST";
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What Happy Horse 1.1 accepts and costs, for building controls. */
export interface Capabilities {
  model: "happyhorse-1.1";
  paramsKey: "happyhorse11Params";
  modes: Mode[];
  resolutions: ResolutionName[];
  defaultResolution: ResolutionName;
  creditsPerSecond: Record<ResolutionName, number>;
  aspectRatios: AspectRatio[];
  defaultAspectRatio: AspectRatio;
  duration: { min: number; max: number; default: number };
  seed: { min: number; max: number };
  images: { max: number; formats: string[]; minSidePx: number };
  prompt: { minLength: number; maxLength: number; lengthUnit: "utf16" };
  webhookEvents: WebhookEvent[];
  idempotencyKeyMaxLength: number;
  defaultBaseUrl: string;
}

/** The answer of `submit`. */
export interface Accepted {
  jobId: string;
  /** Almost always "QUEUED"; an idempotent replay may give the original job's status. */
  status: string;
}

/** A job as the client reports it. */
export interface Job {
  /** The service's `id`. */
  jobId: string;
  /** "QUEUED" | "PROCESSING" | "COMPLETED" | "FAILED" | "CANCELLED", or a newer status passed through. */
  status: string;
  /** 0–100, or null when the service does not say. */
  progress: number | null;
  /** The result's video URLs (http(s) only), whatever shape `result` had. */
  videoUrls: string[];
  error?: string;
  creditCost?: number;
  /** The service purged the result's files (24 h after completion): `videoUrls` may 404. */
  expired: boolean;
  /** The body as the service sent it. */
  raw: unknown;
}

/** Options of `new Client()`. */
export interface ClientOptions {
  /** Sent as `X-API-Key`. Leave unset in pages: point `baseUrl` at your backend, which adds it. */
  apiKey?: string;
  /** Default "https://api.apiframe.ai"; a same-origin path like "/api/apiframe" works too. */
  baseUrl?: string;
  /** Retries after a network error, 408, 429 or 5xx; 0–10, default 2. */
  maxRetries?: number;
  /** Limit of each HTTP request in ms; default 30000. */
  timeoutMs?: number;
  /** Default limit of `waitForJob`/`generate` in ms; default 600000 (10 min). */
  waitTimeoutMs?: number;
  /** Poll at this fixed interval instead of the adaptive schedule. */
  pollIntervalMs?: number;
  /** Failed polls in a row that end a wait; default 5. */
  maxPollFailures?: number;
  /** Where jobs are recorded so that a reload cannot lose one: `localStorage`,
   *  `sessionStorage`, or any object with their methods. With it, the tabs of
   *  an origin share one poller per job. The API key is never stored. */
  store?: JobStore;
  /** Called when the store fails (full, throws, a record it cannot read):
   *  a `HappyHorseError` with code STORAGE. The client goes on in memory;
   *  no call rejects because of the store. */
  onStoreError?: (error: HappyHorseError) => void;
}

/** What a `store` must have: the methods of `Storage`. */
export interface JobStore {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A job the client recorded (`client.jobs()`). */
export interface StoredJob {
  /** The submission's key: the record's name (`resume`, `forget`). */
  idempotencyKey: string;
  /** Set once the service accepted the submission. */
  jobId: string | null;
  /** The body that was submitted. */
  request: VideoRequest;
  /** The last state seen, if any. */
  job: Job | null;
  /** COMPLETED, FAILED or CANCELLED. */
  finished: boolean;
  /** The page's clock at the last save (ms). */
  savedAt: number;
}

/** Options of `resume` and `resumeAll`. */
export interface ResumeOptions extends WaitOptions {}

/** One job `resumeAll` carries on. */
export interface ResumedJob {
  idempotencyKey: string;
  jobId: string | null;
  /** Settles as `waitForJob` does. */
  done: Promise<Job>;
}

export interface SubmitOptions {
  signal?: AbortSignal;
  /** At most 255 characters; a fresh UUID v4 when left out. Reused on every retry. */
  idempotencyKey?: string;
}

export interface GetJobOptions {
  signal?: AbortSignal;
}

export interface WaitOptions {
  /** Aborts the in-flight poll and every timer at once (rejects with ABORTED). */
  signal?: AbortSignal;
  /** Called on each change of status or progress. */
  onUpdate?: (job: Job) => void;
  /** Rejects with TIMEOUT (carrying jobId) after this many ms. */
  timeoutMs?: number;
  /** Poll at this fixed interval instead of the adaptive schedule. */
  pollIntervalMs?: number;
}

export interface GenerateOptions extends WaitOptions {
  idempotencyKey?: string;
}

/** One mention of an image in a prompt (`findImageReferences`). */
export interface ImageReference {
  /** As written: "[Image 2]", "(image 1)", "Image 3". */
  text: string;
  number: number;
  /** Exactly `[Image N]`, the only form the model understands. */
  canonical: boolean;
  bracketed: boolean;
  /** Offset in the prompt, in UTF-16 units (JS string index). */
  index: number;
}

/** Options of `checkImage`. */
export interface CheckImageOptions {
  /** The image's index in `images`, so warnings carry its path. */
  index?: number;
}

/** The answer of `checkImage` (browser-only). */
export interface ImageCheck {
  url: string;
  /** `true` when there is no warning. */
  ok: boolean;
  /** "jpg" | "png" | "bmp" | "webp" | "gif", or null when the bytes could not be read. */
  format: string | null;
  width: number | null;
  height: number | null;
  /** IMAGE_UNREADABLE, IMAGE_UNSUPPORTED_FORMAT, IMAGE_FORMAT_UNVERIFIED, IMAGE_TOO_SMALL. */
  warnings: Issue[];
}

/** Every `HappyHorseError.code`. Held equal to the Rust enum `ErrorCode` by
 *  tests/dts_codes.rs. */
export type ErrorCode =
  | "INVALID_REQUEST" | "UNAUTHORIZED" | "FORBIDDEN" | "INSUFFICIENT_CREDITS"
  | "NOT_FOUND" | "CONFLICT" | "RATE_LIMITED" | "SERVER_ERROR" | "NETWORK"
  | "TIMEOUT" | "ABORTED" | "JOB_FAILED" | "JOB_CANCELLED" | "BAD_RESPONSE" | "STORAGE" | "UNSUPPORTED";

/** Every error the package throws or rejects with. `instanceof Error` holds. */
export declare class HappyHorseError extends Error {
  constructor(code: ErrorCode, message: string, fields?: Partial<HappyHorseError>);
  name: "HappyHorseError";
  code: ErrorCode;
  /** HTTP status, when the service answered. */
  status?: number;
  /** Field-level problems (INVALID_REQUEST). */
  issues?: Issue[];
  /** The job concerned, when one was submitted (so it is never lost). */
  jobId?: string;
  /** The job's last state (JOB_FAILED, JOB_CANCELLED, TIMEOUT). */
  job?: Job;
  /** When the submit itself failed (the job may exist all the same): submit
   *  again with this key to get that job rather than a second one. */
  idempotencyKey?: string;
  /** The service's `x-request-id`, for support. */
  requestId?: string;
  /** Whether trying again later may succeed. */
  retryable: boolean;
  /** From the service's Retry-After, when it sent one. */
  retryAfterMs?: number;
  /** INSUFFICIENT_CREDITS only. */
  creditsRequired?: number;
  creditsAvailable?: number;
}
"#;
