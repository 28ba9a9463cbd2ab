// The error class every rejection and throw of the package uses. It lives in
// JS because a wasm-bindgen struct cannot extend `Error`; the Rust side
// constructs it and sets `code`, `issues`, `status`… on the instance.
export class HappyHorseError extends Error {
  constructor(code, message, fields) {
    super(message);
    this.name = 'HappyHorseError';
    this.code = code;
    this.retryable = false;
    if (fields) Object.assign(this, fields);
  }
}
