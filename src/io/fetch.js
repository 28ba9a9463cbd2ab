// The calls of one exchange that may meet code which is not the platform's
// own (a fetch replacement, a mock, a polyfill, a Response subclass), each
// answering a value instead of throwing: an exception that unwinds through
// wasm leaves the module corrupt, and a throwing `catch` import leaks an
// externref slot (see src/wasm/guard.js).

// new Request(url, init), or the error that stopped it (a relative URL in
// Node, say). The caller keeps the Request until the exchange is over: Node
// 20's fetch follows its signal through a weak reference, so a Request left
// to the garbage collector can lose the abort on its way to the connection.
export function request(url, method, headers, body, signal, exact) {
  try {
    const init = { method, headers, signal };
    if (body !== undefined) init.body = body;
    if (exact) {
      init.redirect = 'manual';
      init.cache = 'no-store';
    }
    return new Request(url, init);
  } catch (e) {
    return e;
  }
}

// fetch(request) as a promise whatever fetch does: a synchronous throw
// becomes a rejection; a non-promise answer, a resolved value (then judged
// not to be a Response).
export function send(request) {
  try {
    return Promise.resolve(fetch(request));
  } catch (e) {
    return Promise.reject(e);
  }
}

// What the package reads of a Response, in one call:
// [status, type, body (a ReadableStream or null), x-request-id, retry-after,
// content-type, content-length]; undefined for anything that is not a
// Response or whose getters throw.
export function parts(response) {
  try {
    if (!(response instanceof Response)) return undefined;
    const h = response.headers;
    const body = response.body;
    return [response.status, response.type, body instanceof ReadableStream ? body : null,
      h.get('x-request-id'), h.get('retry-after'), h.get('content-type'), h.get('content-length')];
  } catch {
    return undefined;
  }
}
