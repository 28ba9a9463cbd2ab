// The few JS operations that can run user code (a getter, a Proxy trap,
// toJSON, a callback, a locked stream, a fetch replacement or a Response
// subclass), each wrapped so that a throw comes back as a value, never as
// an exception through wasm.
//
// Why not wasm-bindgen's `catch` for these: in 0.2.130 every exception
// caught by a `catch` import that returns a JS value leaks one externref
// table slot (the generated shim returns the error before it takes the
// call's result). Measured: 200,000 `validate` calls on an object whose
// getter throws grew wasm memory by 2.2 MB, for good. A sentinel costs
// nothing on the normal path: it is a symbol, and symbols are rare and
// already refused.
const UNREADABLE = Symbol('happyhorse.unreadable');

export function unreadable() {
  return UNREADABLE;
}

export function get(target, key) {
  try {
    return Reflect.get(target, key);
  } catch {
    return UNREADABLE;
  }
}

export function getIndex(target, index) {
  try {
    return Reflect.get(target, index);
  } catch {
    return UNREADABLE;
  }
}

export function keys(target) {
  try {
    return Object.keys(target);
  } catch {
    return undefined;
  }
}

// 0: not an array, 1: an array, 2: could not tell (a revoked Proxy).
export function isArray(value) {
  try {
    return Array.isArray(value) ? 1 : 0;
  } catch {
    return 2;
  }
}

export function apply(f, self, args) {
  try {
    return Reflect.apply(f, self, args);
  } catch {
    return UNREADABLE;
  }
}

export function reader(stream) {
  try {
    return stream.getReader();
  } catch {
    return undefined;
  }
}

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
// content-type, content-length, date]; undefined for anything that is not a
// Response or whose getters throw.
export function parts(response) {
  try {
    if (!(response instanceof Response)) return undefined;
    const h = response.headers;
    const body = response.body;
    return [response.status, response.type, body instanceof ReadableStream ? body : null,
      h.get('x-request-id'), h.get('retry-after'), h.get('content-type'), h.get('content-length'), h.get('date')];
  } catch {
    return undefined;
  }
}
