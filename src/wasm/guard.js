// The few JS operations that can run user code (a getter, a Proxy trap,
// toJSON, a callback, a locked stream), each wrapped so that a throw comes
// back as a value, never as an exception through wasm.
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
