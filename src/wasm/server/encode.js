// UTF-8 bytes of a string, made in JS: a webhook body goes from the caller to
// WebCrypto without ever being copied into wasm memory.
export function utf8(text) {
  return new TextEncoder().encode(text);
}
