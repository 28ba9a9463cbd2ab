// Serialises any JS value for the wasm side in one call, as the JSON text
// JSON.stringify would write, except that what JSON cannot say — BigInt,
// functions, symbols, undefined array items, NaN and ±Infinity, huge arrays
// — is kept as a marker object {"\u0000hh": kind} the Rust reader turns
// back into a kind, so a wrong type is reported instead of silently
// dropped. Hand-rolled rather than a JSON.stringify replacer: the replacer
// call per value costs more than the whole walk.
//
// Throws on cycles and extreme nesting (depth limit), throwing getters and
// hostile Proxies; the caller then walks the value field by field instead.
const MAX_ITEMS = 10000;
const MAX_DEPTH = 32;
const mark = (kind) => `{"\\u0000hh":"${kind}"}`;

function write(v, depth) {
  switch (typeof v) {
    case 'string': return JSON.stringify(v);
    case 'number': return Number.isFinite(v) ? String(v) : mark(String(v));
    case 'boolean': return v ? 'true' : 'false';
    case 'undefined': return mark('undefined');
    case 'bigint': return mark('a BigInt');
    case 'function': return mark('a function');
    case 'symbol': return mark('a symbol');
  }
  if (v === null) return 'null';
  if (depth >= MAX_DEPTH) throw new RangeError('nested too deeply');
  if (typeof v.toJSON === 'function') return write(v.toJSON(), depth + 1);
  if (v instanceof String || v instanceof Number || v instanceof Boolean) return write(v.valueOf(), depth);
  if (Array.isArray(v)) {
    if (v.length > MAX_ITEMS) return mark('a huge array');
    let s = '[';
    for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + write(v[i], depth + 1);
    return s + ']';
  }
  let s = '{';
  let first = true;
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x === undefined) continue; // dropped, as JSON.stringify drops it
    s += (first ? '' : ',') + JSON.stringify(k) + ':' + write(x, depth + 1);
    first = false;
  }
  return s + '}';
}

const encoder = new TextEncoder();

/** UTF-8 bytes of the JSON text: the native encoder beats copying a long
 * prompt character by character into wasm memory. */
export function toJson(value) {
  return encoder.encode(write(value, 0));
}
