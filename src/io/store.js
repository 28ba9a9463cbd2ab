// The caller's store — localStorage, sessionStorage, or any object with
// their methods — called so that nothing it does can throw through wasm:
// each function returns its result, or an Error naming what went wrong (a
// full quota, storage that private modes refuse, a getter that throws, an
// answer that is not a string). The caller's own errors are never rethrown.

function failure(e) {
  let m;
  try {
    m = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } catch {
    m = 'the store threw';
  }
  return new Error(m.slice(0, 200));
}

// The keys that begin with `prefix`, looking at no more than `max` keys;
// one longer than `maxName` UTF-16 units is no record's name (an
// idempotency key is short), and is never copied into wasm.
export function storeKeys(store, prefix, max, maxName) {
  try {
    const n = Math.min(Number(store.length) >>> 0, max);
    const out = [];
    for (let i = 0; i < n; i++) {
      const k = store.key(i);
      if (typeof k === 'string' && k.length <= maxName && k.startsWith(prefix)) out.push(k);
    }
    return out;
  } catch (e) {
    return failure(e);
  }
}

// The text stored under `key` (null: none), refused past `max` UTF-16 units
// before it is copied into wasm.
export function storeGet(store, key, max) {
  try {
    const v = store.getItem(key);
    if (v === null || v === undefined) return null;
    if (typeof v !== 'string') return new Error(`getItem answered ${typeof v}, not a string`);
    return v.length > max ? new Error(`a stored record is longer than ${max} characters`) : v;
  } catch (e) {
    return failure(e);
  }
}

export function storeSet(store, key, value) {
  try {
    store.setItem(key, value);
    return undefined;
  } catch (e) {
    return failure(e);
  }
}

export function storeRemove(store, key) {
  try {
    store.removeItem(key);
    return undefined;
  } catch (e) {
    return failure(e);
  }
}
