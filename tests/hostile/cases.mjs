// The hostile-input suite, shared by Node (node.test.mjs, the nodejs build)
// and headless Chromium (browser.test.mjs, the web build in a page).
//
// Runtime-neutral: no Node APIs. Every function takes the package's exports
// (`hh`) as an argument, plus `env = { baseUrl }`: a loopback origin that
// answers every request itself (only the few `net` cases reach it).
//
// The rule every case checks: each export answers any value with a value
// (a `validate` report, an estimate, a request…) or a `HappyHorseError` —
// never any other exception, never a hang (the runners stop a case after
// a watchdog). `validate` never throws at all. On top of that:
//   - the package sees a request as `JSON.stringify` would (toJSON honoured,
//     inherited, non-enumerable and symbol keys ignored, Number/String
//     objects unwrapped), so a value JSON can carry faithfully gets the same
//     answers as its JSON text;
//   - a value JSON cannot carry (a cycle, a BigInt, a revoked Proxy, a
//     throwing getter or trap or toJSON) or would silently change (NaN,
//     Infinity, a symbol, a function, an array hole) is an error reported at
//     the path where it sits;
//   - each property is read once per call.
//
// Case flags: `heavy` (huge or deep inputs: run once, not in the barrage or
// the memory mix), `net` (calls the loopback `env.baseUrl`).

export const MODES = [null, 'text-to-video', 'image-to-video', 'reference-to-video'];

// ---------------------------------------------------------------- asserting

export class Failure extends Error {
  constructor(message) {
    super(message);
    this.name = 'Failure';
  }
}

function fail(message) {
  throw new Failure(message);
}

/** A short description of an exception; never touches a hostile value's traps twice. */
function thrown(e) {
  try {
    if (e instanceof Error) return `${e.constructor.name}: ${e.message}`;
    return `a thrown ${typeof e}`;
  } catch {
    return 'an exception that cannot be described';
  }
}

/** JSON of package output (plain data), cut short for messages. */
function show(v, max = 400) {
  let s;
  try {
    s = JSON.stringify(v);
  } catch (e) {
    s = `<${thrown(e)}>`;
  }
  if (s === undefined) s = String(v);
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}

/** Key-order-insensitive JSON text, for comparing plain data. */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return v === undefined ? 'undefined' : JSON.stringify(v);
}

function same(a, b, what) {
  if (canonical(a) !== canonical(b)) fail(`${what}:\n  got      ${show(a)}\n  expected ${show(b)}`);
}

function check(cond, message) {
  if (!cond) fail(message);
}

function isHHError(hh, e) {
  return e instanceof hh.HappyHorseError && typeof e.code === 'string';
}

const issueLine = (i) => `${i.path} ${i.code}`;

// ----------------------------------------------------- calling the exports

/** validate(req): must return a well-formed report, never throw. */
export function validateOf(hh, req, label = 'validate') {
  let r;
  try {
    r = hh.validate(req);
  } catch (e) {
    fail(`${label} threw ${thrown(e)} — validate must answer every value with a report`);
  }
  checkReport(r, label);
  return r;
}

export function checkReport(r, label = 'validate') {
  check(r !== null && typeof r === 'object', `${label} returned ${show(r)}, not a report`);
  same(Object.keys(r).sort(), ['errors', 'mode', 'ok', 'warnings'], `${label}: the report's fields`);
  check(typeof r.ok === 'boolean', `${label}: ok is ${show(r.ok)}`);
  check(MODES.includes(r.mode), `${label}: mode is ${show(r.mode)}`);
  check(Array.isArray(r.errors) && Array.isArray(r.warnings), `${label}: errors/warnings are not arrays: ${show(r)}`);
  for (const i of [...r.errors, ...r.warnings]) checkIssue(i, label);
  check(r.ok === (r.errors.length === 0), `${label}: ok is ${r.ok} with ${r.errors.length} errors`);
}

function checkIssue(i, label) {
  check(i !== null && typeof i === 'object', `${label}: an issue is ${show(i)}`);
  same(Object.keys(i).sort(), ['code', 'message', 'path'], `${label}: an issue's fields (${show(i)})`);
  check(typeof i.path === 'string', `${label}: issue path ${show(i.path)}`);
  check(typeof i.code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(i.code), `${label}: issue code ${show(i.code)}`);
  check(typeof i.message === 'string' && i.message.length > 0, `${label}: issue message ${show(i.message)}`);
}

/**
 * Runs `fn` (a call of an export); answers { value } or { error } where
 * error is a HappyHorseError. Any other exception fails the case.
 */
function outcome(hh, label, fn) {
  try {
    return { value: fn() };
  } catch (e) {
    if (isHHError(hh, e)) return { error: e };
    fail(`${label} threw ${thrown(e)} — only a HappyHorseError may escape`);
  }
}

/** Same for an export returning a promise: a sync throw or a rejection. */
async function asyncOutcome(hh, label, fn) {
  let p;
  try {
    p = fn();
  } catch (e) {
    if (isHHError(hh, e)) return { error: e };
    fail(`${label} threw ${thrown(e)} synchronously — only a HappyHorseError may escape`);
  }
  try {
    return { value: await p };
  } catch (e) {
    if (isHHError(hh, e)) return { error: e };
    fail(`${label} rejected with ${thrown(e)} — only a HappyHorseError may escape`);
  }
}

function checkInvalidRequest(err, label) {
  check(err.code === 'INVALID_REQUEST', `${label}: HappyHorseError code ${err.code}, expected INVALID_REQUEST`);
  check(Array.isArray(err.issues) && err.issues.length > 0, `${label}: INVALID_REQUEST without issues: ${show(err.issues)}`);
  for (const i of err.issues) checkIssue(i, label);
}

export function estimateOf(hh, req, label = 'estimateCost') {
  const o = outcome(hh, label, () => hh.estimateCost(req));
  if (o.error) {
    checkInvalidRequest(o.error, label);
    return o;
  }
  const e = o.value;
  check(e !== null && typeof e === 'object', `${label} returned ${show(e)}`);
  same(Object.keys(e).sort(), ['assumedDuration', 'credits', 'creditsPerSecond', 'resolution', 'seconds'], `${label}: the estimate's fields`);
  check(['720p', '1080p'].includes(e.resolution), `${label}: resolution ${show(e.resolution)}`);
  check(Number.isInteger(e.seconds) && e.seconds >= 3 && e.seconds <= 15, `${label}: seconds ${show(e.seconds)}`);
  check(e.credits === e.creditsPerSecond * e.seconds, `${label}: ${show(e)} does not multiply out`);
  check(typeof e.assumedDuration === 'boolean', `${label}: assumedDuration ${show(e.assumedDuration)}`);
  return o;
}

export const BUILD_OPTIONS = { idempotencyKey: 'hostile-suite-key' };

export function buildOf(hh, req, options = BUILD_OPTIONS, label = 'buildRequest') {
  const o = outcome(hh, label, () => hh.buildRequest(req, options));
  if (o.error) {
    checkInvalidRequest(o.error, label);
    return o;
  }
  const h = o.value;
  check(h !== null && typeof h === 'object', `${label} returned ${show(h)}`);
  check(h.method === 'POST', `${label}: method ${show(h.method)}`);
  check(typeof h.url === 'string' && /^https?:\/\//.test(h.url), `${label}: url ${show(h.url)}`);
  check(h.headers && typeof h.headers === 'object', `${label}: headers ${show(h.headers)}`);
  for (const [k, v] of Object.entries(h.headers)) check(typeof v === 'string', `${label}: header ${k} is ${show(v)}`);
  check(typeof h.body === 'string', `${label}: body ${show(h.body)}`);
  let body;
  try {
    body = JSON.parse(h.body);
  } catch (e) {
    fail(`${label}: the body is not JSON (${thrown(e)}): ${show(h.body)}`);
  }
  check(body && typeof body === 'object' && !Array.isArray(body), `${label}: the body is ${show(body)}`);
  check(body.model === 'happyhorse-1.1', `${label}: the body's model is ${show(body.model)}`);
  return { value: h, body };
}

/** findImageReferences(v): an array of references for a string, INVALID_REQUEST otherwise. */
export function referencesOf(hh, v, label = 'findImageReferences') {
  const o = outcome(hh, label, () => hh.findImageReferences(v));
  if (o.error) {
    checkInvalidRequest(o.error, label);
    if (typeof v === 'string') fail(`${label} refused a string: ${o.error.message}`);
    return o;
  }
  check(Array.isArray(o.value), `${label} returned ${show(o.value)}`);
  if (typeof v !== 'string' && !(v instanceof String)) fail(`${label} answered ${show(o.value)} for a non-string`);
  return o;
}

/** new Client(options): a client (freed at once) or a HappyHorseError. */
export function clientOf(hh, options, label = 'new Client') {
  const o = outcome(hh, label, () => new hh.Client(options));
  if (o.error) checkInvalidRequest(o.error, label);
  else freeClient(o.value);
  return o;
}

function freeClient(c) {
  try {
    if (c && typeof c.free === 'function') c.free();
  } catch {
    // already freed
  }
}

function quietClient(hh, env) {
  return new hh.Client({ baseUrl: env.baseUrl, maxRetries: 0 });
}

/** client.getJob(id, options) for a non-string id: must fail with a HappyHorseError. */
async function getJobRefused(hh, env, id, options, label) {
  const c = quietClient(hh, env);
  try {
    const o = await asyncOutcome(hh, label, () => (options === undefined ? c.getJob(id) : c.getJob(id, options)));
    check(o.error, `${label} resolved ${show(o.value)} for a job id that is not a string`);
    return o;
  } finally {
    freeClient(c);
  }
}

// ------------------------------------------------------------ the verdicts

function errorsAt(report, path) {
  return report.errors.filter((i) => i.path === path || i.path.startsWith(`${path}.`) || i.path.startsWith(`${path}[`));
}

function expectErrorAt(report, path, code, label = 'validate') {
  const found = report.errors.filter((i) => i.path === path && (code === undefined || i.code === code));
  check(found.length > 0, `${label}: expected an error${code ? ` ${code}` : ''} at ${show(path)}; got errors ${show(report.errors.map(issueLine))}`);
}

function expectErrorUnder(report, path, label = 'validate') {
  if (path === '') return check(report.errors.length > 0, `${label}: expected an error, the report is ${show(report)}`);
  check(errorsAt(report, path).length > 0, `${label}: expected an error at or under ${show(path)}; got errors ${show(report.errors.map(issueLine))}`);
}

function expectClean(report, label = 'validate') {
  check(report.ok && report.errors.length === 0 && report.warnings.length === 0, `${label}: expected a clean report, got ${show(report)}`);
}

function expectCodes(report, codes, label = 'validate') {
  same(report.errors.map((i) => i.code), codes, `${label}: error codes`);
}

/**
 * validate, estimateCost and buildRequest of one request, cross-checked:
 * buildRequest refuses exactly when validate reports errors, with the same
 * issues; an estimate is a value or INVALID_REQUEST.
 */
export function threeWay(hh, req, label = '') {
  const report = validateOf(hh, req, `validate${label}`);
  const estimate = estimateOf(hh, req, `estimateCost${label}`);
  const build = buildOf(hh, req, BUILD_OPTIONS, `buildRequest${label}`);
  if (report.ok) {
    check(!build.error, `buildRequest${label} refused (${build.error?.message}) what validate passed: ${show(report)}`);
    check(!estimate.error, `estimateCost${label} refused (${estimate.error?.message}) what validate passed`);
  } else {
    check(build.error, `buildRequest${label} built ${show(build.body)} although validate reported ${show(report.errors.map(issueLine))}`);
    same(build.error.issues.map(issueLine), report.errors.map(issueLine), `buildRequest${label}'s issues vs validate's errors`);
  }
  return { report, estimate, build };
}

/** What `JSON.stringify` makes of `v`, read back; `undefined` when it writes nothing. */
function jsonView(v) {
  const s = JSON.stringify(v);
  return s === undefined ? undefined : JSON.parse(s);
}

/** The request a built body should carry: the JSON view plus the model (an empty params object may be left out). */
function wire(body) {
  const out = { model: 'happyhorse-1.1', ...body };
  const p = out.happyhorse11Params;
  if (p && typeof p === 'object' && !Array.isArray(p) && Object.keys(p).length === 0) delete out.happyhorse11Params;
  return out;
}

/** What validate says, without the wording: mode, and the path and code of each finding. */
function gist(r) {
  return { ok: r.ok, mode: r.mode, errors: r.errors.map(issueLine), warnings: r.warnings.map(issueLine) };
}

function outcomeView(o) {
  if (o.error) return { error: o.error.code, issues: (o.error.issues ?? []).map(issueLine) };
  return { value: o.value };
}

// ------------------------------------------------------------- the values
//
// Each hostile value is made fresh per use (revocations, counters, cycles).
// kind: 'json'       JSON.stringify carries it faithfully: every answer must
//                    equal the answer for the JSON text;
//       'unsendable' JSON.stringify throws on it;
//       'lossy'      JSON.stringify silently changes it (NaN → null,
//                    symbol/function dropped, hole → null).
// Unsendable and lossy values are errors wherever they sit in a request.

function revoked(target = {}) {
  const r = Proxy.revocable(target, {});
  r.revoke();
  return r.proxy;
}

const boom = () => {
  throw new Error('hostile: trap');
};

function trapThrows(trap, target = { prompt: 'x', a: 1 }) {
  return new Proxy(target, { [trap]: boom });
}

/** A Proxy whose every trap throws (its handler is itself a Proxy). */
function everyTrapThrows() {
  return new Proxy({ a: 1 }, new Proxy({}, { get: (_, trap) => () => { throw new Error(`hostile: ${String(trap)}`); } }));
}

function cyclicObject() {
  const o = { a: 1 };
  o.self = o;
  return o;
}

function cyclicArray() {
  const a = ['https://example.com/a.png'];
  a.push(a);
  return a;
}

class Thing {
  constructor() {
    this.prompt = 'x';
  }
  get derived() {
    return 'never serialised';
  }
}

export const VALUES = [
  // JSON carries these faithfully (or drops them, as it drops `undefined`).
  { label: 'undefined', kind: 'json', make: () => undefined },
  { label: 'null', kind: 'json', make: () => null },
  { label: 'true', kind: 'json', make: () => true },
  { label: '-0', kind: 'json', make: () => -0 },
  { label: '5e-324', kind: 'json', make: () => 5e-324 },
  { label: '2022813349.9999998', kind: 'json', make: () => 2022813349.9999998 },
  { label: '1e21', kind: 'json', make: () => 1e21 },
  { label: "''", kind: 'json', make: () => '' },
  { label: 'a lone high surrogate', kind: 'json', make: () => 'x\ud800' },
  { label: 'a lone low surrogate', kind: 'json', make: () => '\udc00y' },
  { label: 'packing delimiters \\u0000-\\u0003', kind: 'json', make: () => 'a\u0000b\u0001c\u0002d\u0003e' },
  { label: 'an https image URL', kind: 'json', make: () => 'https://example.com/a.png' },
  { label: 'new Number(10)', kind: 'json', make: () => new Number(10) },
  { label: "new String('720p')", kind: 'json', make: () => new String('720p') },
  { label: 'new Boolean(false)', kind: 'json', make: () => new Boolean(false) },
  { label: 'a Date', kind: 'json', make: () => new Date(0) },
  { label: 'an invalid Date', kind: 'json', make: () => new Date(NaN) },
  { label: "{ toJSON() { return { prompt: 'x' } } }", kind: 'json', make: () => ({ toJSON() { return { prompt: 'x' }; } }) },
  { label: 'toJSON returning a URL string', kind: 'json', make: () => ({ toJSON() { return 'https://example.com/t.png'; } }) },
  { label: 'toJSON returning this', kind: 'json', make: () => ({ prompt: 'x', toJSON() { return this; } }) },
  { label: 'toJSON whose result has its own toJSON', kind: 'json', make: () => ({ toJSON() { return { prompt: 'x', toJSON() { return { prompt: 'never' }; } }; } }) },
  { label: 'toJSON: 5 (not a function)', kind: 'json', make: () => ({ prompt: 'x', toJSON: 5 }) },
  { label: 'Object.create(null)', kind: 'json', make: () => Object.assign(Object.create(null), { prompt: 'x' }) },
  { label: "Object.create({ prompt: 'x' })", kind: 'json', make: () => Object.create({ prompt: 'x' }) },
  { label: 'a non-enumerable prompt', kind: 'json', make: () => Object.defineProperty({}, 'prompt', { value: 'x', enumerable: false }) },
  { label: 'symbol keys', kind: 'json', make: () => ({ prompt: 'x', [Symbol('k')]: 1, [Symbol.toPrimitive]: boom }) },
  { label: 'a class instance', kind: 'json', make: () => new Thing() },
  { label: 'a frozen object', kind: 'json', make: () => Object.freeze({ prompt: 'x', duration: 5 }) },
  { label: 'an own __proto__ key', kind: 'json', make: () => JSON.parse('{"__proto__": {"prompt": "x"}, "constructor": {"prototype": {"polluted": 1}}}') },
  { label: 'a Map', kind: 'json', make: () => new Map([['prompt', 'x'], ['duration', 10]]) },
  { label: 'a Set', kind: 'json', make: () => new Set(['https://example.com/a.png']) },
  { label: 'a WeakMap', kind: 'json', make: () => new WeakMap() },
  { label: 'a Promise', kind: 'json', make: () => Promise.resolve({ prompt: 'x' }) },
  { label: 'a RegExp', kind: 'json', make: () => /x/g },
  { label: 'an Error', kind: 'json', make: () => new Error('hostile') },
  { label: 'a Uint8Array', kind: 'json', make: () => new Uint8Array([1, 2, 3]) },
  { label: 'a Float64Array', kind: 'json', make: () => new Float64Array([NaN, 1.5]) },
  { label: 'an ArrayBuffer', kind: 'json', make: () => new ArrayBuffer(8) },
  { label: 'an array with an extra named property', kind: 'json', make: () => Object.assign(['https://example.com/a.png'], { extra: 1 }) },
  { label: 'an array-like object', kind: 'json', make: () => ({ length: 1, 0: 'https://example.com/a.png' }) },
  { label: 'a key with packing delimiters', kind: 'json', make: () => ({ prompt: 'x', ['k\u0001e\u0002y\u0003']: 1 }) },
  { label: 'a Proxy whose getPrototypeOf throws', kind: 'json', make: () => trapThrows('getPrototypeOf') },
  { label: 'a Proxy whose has throws', kind: 'json', make: () => trapThrows('has') },
  { label: 'a Proxy whose set/defineProperty/deleteProperty throw', kind: 'json', make: () => new Proxy({ prompt: 'x' }, { set: boom, defineProperty: boom, deleteProperty: boom }) },
  { label: 'an Object(Symbol())', kind: 'json', make: () => Object(Symbol('s')) },

  // JSON.stringify throws on these.
  { label: 'a revoked Proxy', kind: 'unsendable', unreadable: true, make: () => revoked() },
  { label: 'a revoked array Proxy', kind: 'unsendable', unreadable: true, make: () => revoked([]) },
  { label: 'a Proxy whose ownKeys throws', kind: 'unsendable', make: () => trapThrows('ownKeys') },
  { label: 'a Proxy whose get throws', kind: 'unsendable', unreadable: true, make: () => trapThrows('get') },
  { label: 'a Proxy whose getOwnPropertyDescriptor throws', kind: 'unsendable', make: () => trapThrows('getOwnPropertyDescriptor') },
  { label: 'a Proxy whose every trap throws', kind: 'unsendable', unreadable: true, make: () => everyTrapThrows() },
  { label: 'an array Proxy whose length throws', kind: 'unsendable', make: () => new Proxy(['https://example.com/a.png'], { get: (t, k) => (k === 'length' ? boom() : Reflect.get(t, k)) }) },
  { label: 'an array whose item getter throws', kind: 'unsendable', make: () => Object.defineProperty(['https://example.com/a.png'], 0, { get: boom, enumerable: true }) },
  { label: 'a getter that throws', kind: 'unsendable', make: () => ({ prompt: 'x', get a() { return boom(); } }) },
  { label: 'a getter that throws a revoked Proxy', kind: 'unsendable', make: () => ({ get a() { throw revoked(); } }) },
  { label: 'a getter that throws a Symbol', kind: 'unsendable', make: () => ({ get a() { throw Symbol('thrown'); } }) },
  { label: 'a toJSON that throws', kind: 'unsendable', make: () => ({ prompt: 'x', toJSON: boom }) },
  { label: 'a toJSON getter that throws', kind: 'unsendable', make: () => ({ prompt: 'x', get toJSON() { return boom(); } }) },
  { label: 'a toJSON returning a revoked Proxy', kind: 'unsendable', make: () => ({ prompt: 'x', toJSON: () => revoked() }) },
  { label: 'a self-referencing object', kind: 'unsendable', make: cyclicObject },
  { label: 'a self-referencing array', kind: 'unsendable', make: cyclicArray },
  { label: 'BigInt 1n', kind: 'unsendable', make: () => 1n },
  { label: 'Object(1n)', kind: 'unsendable', make: () => Object(1n) },
  { label: 'an object holding a BigInt', kind: 'unsendable', make: () => ({ prompt: 'x', a: 2n ** 64n }) },

  // JSON.stringify silently changes these.
  { label: 'NaN', kind: 'lossy', make: () => NaN },
  { label: 'Infinity', kind: 'lossy', make: () => Infinity },
  { label: '-Infinity', kind: 'lossy', make: () => -Infinity },
  { label: 'new Number(NaN)', kind: 'lossy', make: () => new Number(NaN) },
  { label: 'a Symbol', kind: 'lossy', make: () => Symbol('hostile') },
  { label: 'a function with a prompt', kind: 'lossy', make: () => Object.assign(() => 1, { prompt: 'x' }) },
  { label: 'an async function', kind: 'lossy', make: () => async () => 1 },
  { label: 'a class', kind: 'lossy', make: () => Thing },
  { label: 'a sparse array', kind: 'lossy', make: () => [, 'https://example.com/a.png'] }, // eslint-disable-line no-sparse-arrays
  { label: '[undefined]', kind: 'lossy', make: () => [undefined] },
];

/** Where a value goes in a request, and the path an error about it names. */
export const POSITIONS = [
  { at: '', make: (v) => v },
  { at: 'prompt', make: (v) => ({ prompt: v }) },
  { at: 'happyhorse11Params', make: (v) => ({ prompt: 'x', happyhorse11Params: v }) },
  { at: 'happyhorse11Params.images', make: (v) => ({ prompt: 'x', happyhorse11Params: { images: v } }) },
  { at: 'happyhorse11Params.images[0]', make: (v) => ({ prompt: '[Image 1] walks', happyhorse11Params: { images: [v] } }) },
  { at: 'happyhorse11Params.seed', make: (v) => ({ prompt: 'x', happyhorse11Params: { seed: v } }) },
  { at: 'webhookUrl', make: (v) => ({ prompt: 'x', webhookUrl: v }) },
  { at: 'extra', make: (v) => ({ prompt: 'x', extra: v }) },
];

/** Fields that do not stop an estimate (contract: only resolution/duration/not-an-object do). */
const ESTIMATE_UNAFFECTED = new Set(['prompt', 'happyhorse11Params.images', 'happyhorse11Params.images[0]', 'happyhorse11Params.seed', 'webhookUrl', 'extra']);

/** One hostile value in every position of a request and of every export's options. */
async function valueEverywhere(hh, env, entry) {
  const v0 = entry.make;
  for (const pos of POSITIONS) {
    const req = pos.make(entry.make());
    const where = ` (value at ${pos.at === '' ? 'the request' : pos.at})`;
    const got = threeWay(hh, req, where);
    if (entry.kind === 'json') {
      // The answers for the JSON text of the same request.
      const view = jsonView(pos.make(entry.make()));
      same(gist(got.report), gist(validateOf(hh, view, `validate of the JSON text${where}`)), `validate${where} vs validate of its JSON text`);
      same(outcomeView(got.estimate), outcomeView(estimateOf(hh, view)), `estimateCost${where} vs estimateCost of its JSON text`);
      const viaJson = buildOf(hh, view);
      same(got.build.error ? outcomeView(got.build) : got.build.body, viaJson.error ? outcomeView(viaJson) : viaJson.body, `buildRequest${where} vs buildRequest of its JSON text`);
      if (!got.build.error) same(wire(got.build.body), wire(view), `buildRequest${where}: the body is not what JSON.stringify makes of the request`);
    } else {
      expectErrorUnder(got.report, pos.at, `validate${where}`);
      if (ESTIMATE_UNAFFECTED.has(pos.at)) {
        check(!got.estimate.error, `estimateCost${where} refused (${got.estimate.error?.message}); only the resolution, the duration or a non-object may stop an estimate`);
      }
    }
  }

  // capabilities() ignores arguments.
  same(outcome(hh, 'capabilities(value)', () => hh.capabilities(v0())).value, hh.capabilities(), 'capabilities(value) vs capabilities()');

  // The value as each export's argument or option. Options are JS options,
  // not JSON: a package may read only the keys it knows, so only a value
  // that cannot be read at all (entry.unreadable) must be refused as a whole;
  // a non-string where a string option goes always must.
  const v = entry.make;
  const mustRefuse = entry.kind !== 'json';
  referencesOf(hh, v());
  const built = buildOf(hh, { prompt: 'x' }, v(), 'buildRequest(ok, value as options)');
  if (entry.unreadable) check(built.error, `buildRequest(ok, ${entry.label} as options) built a request`);
  for (const field of ['apiKey', 'baseUrl', 'idempotencyKey']) {
    const b = buildOf(hh, { prompt: 'x' }, { idempotencyKey: 'k', [field]: v() }, `buildRequest(ok, { ${field}: value })`);
    if (mustRefuse) check(b.error, `buildRequest(ok, { ${field}: ${entry.label} }) built a request`);
    if (b.error) check(b.error.issues.some((i) => i.path.startsWith(`options.${field}`)), `buildRequest(ok, { ${field}: value }): no issue at options.${field}: ${show(b.error.issues)}`);
  }
  const client = clientOf(hh, v(), 'new Client(value)');
  if (entry.unreadable) check(client.error, `new Client(${entry.label}) made a client`);
  const clientBase = clientOf(hh, { baseUrl: v() }, 'new Client({ baseUrl: value })');
  if (mustRefuse) check(clientBase.error, `new Client({ baseUrl: ${entry.label} }) made a client`);
  const id = v();
  if (typeof id !== 'string') await getJobRefused(hh, env, id, undefined, 'client.getJob(value)');
  await getJobRefused(hh, env, 42, v(), 'client.getJob(42, value as options)');
}

// ------------------------------------------------------------------- cases

export const cases = [];

function def(name, run, flags = {}) {
  cases.push({ name, run, heavy: false, net: false, ...flags });
}

for (const entry of VALUES) {
  const promise = {
    json: 'answers everywhere exactly as for its JSON text',
    unsendable: 'is an error where it sits (JSON.stringify throws on it)',
    lossy: 'is an error where it sits (JSON.stringify would change it)',
  }[entry.kind];
  def(`${entry.label} in every position and option: every export answers; it ${promise}`, (hh, env) => valueEverywhere(hh, env, entry));
}

// --- revoked Proxies, hostile traps and getters, by name

def('revoked Proxy as the request: validate reports an error at the request, estimateCost/buildRequest throw INVALID_REQUEST', (hh) => {
  const r = validateOf(hh, revoked());
  expectErrorAt(r, '');
  check(estimateOf(hh, revoked()).error, 'estimateCost answered an estimate for a revoked Proxy');
  check(buildOf(hh, revoked()).error, 'buildRequest built a revoked Proxy');
});

def('revoked Proxy as happyhorse11Params: the error is at happyhorse11Params', (hh) => {
  const { report } = threeWay(hh, { prompt: 'x', happyhorse11Params: revoked() });
  expectErrorUnder(report, 'happyhorse11Params');
});

def('revoked Proxy as an image: the error is at happyhorse11Params.images[1]', (hh) => {
  const { report, estimate } = threeWay(hh, { prompt: '[Image 1] and [Image 2]', happyhorse11Params: { images: ['https://example.com/a.png', revoked()] } });
  expectErrorUnder(report, 'happyhorse11Params.images[1]');
  check(!estimate.error, `estimateCost refused over an unreadable image: ${estimate.error?.message}`);
  same(estimate.value.credits, 155, 'estimateCost credits');
});

def('revoked Proxy as options of buildRequest, new Client and getJob: each a HappyHorseError', async (hh, env) => {
  check(buildOf(hh, { prompt: 'x' }, revoked()).error, 'buildRequest accepted revoked options');
  check(clientOf(hh, revoked()).error, 'new Client accepted revoked options');
  await getJobRefused(hh, env, 42, revoked(), 'getJob(42, revoked)');
  await getJobRefused(hh, env, revoked(), undefined, 'getJob(revoked)');
  referencesOf(hh, revoked());
});

def('a getter that throws on prompt: an error at prompt, buildRequest refuses, estimateCost still answers', (hh) => {
  const { report, estimate } = threeWay(hh, { get prompt() { return boom(); }, happyhorse11Params: { duration: 10 } });
  expectErrorAt(report, 'prompt');
  check(!estimate.error, `estimateCost refused: ${estimate.error?.message}`);
  same(estimate.value.credits, 310, 'estimateCost credits of a 10 s request whose prompt cannot be read');
});

def('a Proxy whose get trap throws as the request: an error, not an exception', (hh) => {
  const { report } = threeWay(hh, trapThrows('get'));
  expectErrorUnder(report, '');
});

def('a Proxy whose ownKeys trap throws as happyhorse11Params: an error at happyhorse11Params', (hh) => {
  const { report } = threeWay(hh, { prompt: 'x', happyhorse11Params: trapThrows('ownKeys', { duration: 5 }) });
  expectErrorUnder(report, 'happyhorse11Params');
});

def('a Proxy whose getOwnPropertyDescriptor trap throws as happyhorse11Params: an error at happyhorse11Params', (hh) => {
  const { report } = threeWay(hh, { prompt: 'x', happyhorse11Params: trapThrows('getOwnPropertyDescriptor', { duration: 5 }) });
  expectErrorUnder(report, 'happyhorse11Params');
});

def('Proxies whose getPrototypeOf / has traps throw are read like their targets (JSON.stringify never calls those traps)', (hh) => {
  for (const trap of ['getPrototypeOf', 'has']) {
    const req = new Proxy({ prompt: 'x', happyhorse11Params: new Proxy({ duration: 10 }, { [trap]: boom }) }, { [trap]: boom });
    const { report, estimate, build } = threeWay(hh, req, ` (${trap})`);
    expectClean(report, `validate (${trap})`);
    same(estimate.value.credits, 310, `estimateCost credits (${trap})`);
    same(build.body, { model: 'happyhorse-1.1', prompt: 'x', happyhorse11Params: { duration: 10 } }, `buildRequest body (${trap})`);
  }
});

def('an images array Proxy whose length throws: an error at happyhorse11Params.images (not an empty list)', (hh) => {
  const images = new Proxy(['https://example.com/a.png'], { get: (t, k) => (k === 'length' ? boom() : Reflect.get(t, k)) });
  const { report } = threeWay(hh, { prompt: 'x', happyhorse11Params: { images } });
  expectErrorUnder(report, 'happyhorse11Params.images');
});

def('the package never writes to the caller\'s objects (set/defineProperty/deleteProperty traps never fire)', (hh) => {
  const writes = [];
  const trap = (name) => (...a) => {
    writes.push(`${name} ${String(a[1])}`);
    return false;
  };
  const watch = (t) => new Proxy(t, { set: trap('set'), defineProperty: trap('defineProperty'), deleteProperty: trap('deleteProperty'), setPrototypeOf: trap('setPrototypeOf'), preventExtensions: trap('preventExtensions') });
  const req = watch({ prompt: '[Image 1] x', happyhorse11Params: watch({ images: watch(['https://example.com/a.png']), duration: 10 }) });
  threeWay(hh, req);
  buildOf(hh, req, watch({ apiKey: 'afk_x', idempotencyKey: 'k' }));
  clientOf(hh, watch({ apiKey: 'afk_x', baseUrl: 'http://127.0.0.1:9' }));
  same(writes, [], 'writes to the caller\'s objects');
});

// --- cycles

def('cycles: a self-referencing request, params object or images array is an error where the cycle is; a cycle JSON cannot see is ignored', (hh) => {
  const req = { prompt: 'x' };
  req.self = req;
  expectErrorUnder(threeWay(hh, req, ' (request)').report, 'self', 'validate (request)');
  const params = { duration: 5 };
  params.again = params;
  expectErrorUnder(threeWay(hh, { prompt: 'x', happyhorse11Params: params }, ' (params)').report, 'happyhorse11Params.again', 'validate (params)');
  const images = ['https://example.com/a.png'];
  images.push(images);
  expectErrorUnder(threeWay(hh, { prompt: '[Image 1] [Image 2]', happyhorse11Params: { images } }, ' (images)').report, 'happyhorse11Params.images[1]', 'validate (images)');
  const hidden = { prompt: 'x', happyhorse11Params: { duration: 10 } };
  Object.defineProperty(hidden, 'self', { value: hidden, enumerable: false });
  hidden.happyhorse11Params[Symbol('self')] = hidden;
  const { report, estimate } = threeWay(hh, hidden, ' (non-enumerable and symbol-keyed cycles)');
  expectClean(report, 'validate (non-enumerable and symbol-keyed cycles)');
  same(estimate.value.credits, 310, 'estimateCost credits');
});

// --- reading each property once

function counter() {
  const c = { n: 0 };
  return c;
}

def('a getter is read exactly once per validate call', (hh) => {
  const c = counter();
  const req = { get prompt() { c.n++; return 'x'; } };
  expectClean(validateOf(hh, req));
  same(c.n, 1, 'reads of prompt during one validate');
});

def('a getter is read exactly once per buildRequest call, and its value is what is sent', (hh) => {
  const c = counter();
  const req = { get prompt() { c.n++; return `take ${c.n}`; } };
  const b = buildOf(hh, req);
  same(c.n, 1, 'reads of prompt during one buildRequest');
  same(b.body.prompt, 'take 1', 'the prompt sent');
});

def('a getter is read exactly once per estimateCost call', (hh) => {
  const c = counter();
  const req = { prompt: 'x', happyhorse11Params: { get duration() { c.n++; return 10; } } };
  same(estimateOf(hh, req).value?.credits, 310, 'estimateCost credits');
  same(c.n, 1, 'reads of duration during one estimateCost');
});

def('a getter is read exactly once even when a cycle elsewhere in the request is reported', (hh) => {
  const c = counter();
  const req = { get prompt() { c.n++; return 'x'; } };
  req.self = req;
  const r = validateOf(hh, req);
  expectErrorUnder(r, 'self');
  same(c.n, 1, 'reads of prompt during one validate of a cyclic request');
  c.n = 0;
  check(buildOf(hh, req).error, 'buildRequest built a cyclic request');
  same(c.n, 1, 'reads of prompt during one buildRequest of a cyclic request');
});

def('a getter is read exactly once even when another getter throws', (hh) => {
  const c = counter();
  const req = { get prompt() { c.n++; return 'x'; }, happyhorse11Params: { get seed() { return boom(); } } };
  const r = validateOf(hh, req);
  expectErrorUnder(r, 'happyhorse11Params.seed');
  same(c.n, 1, 'reads of prompt during one validate');
});

def('a getter is read exactly once even when a revoked Proxy sits elsewhere', (hh) => {
  const c = counter();
  const req = { happyhorse11Params: { get duration() { c.n++; return 10; } }, prompt: 'x', webhookUrl: revoked() };
  const r = validateOf(hh, req);
  expectErrorUnder(r, 'webhookUrl');
  same(c.n, 1, 'reads of duration during one validate');
  c.n = 0;
  same(estimateOf(hh, req).value?.credits, 310, 'estimateCost credits (the webhook does not stop an estimate)');
  same(c.n, 1, 'reads of duration during one estimateCost');
});

def('an options getter is read exactly once per buildRequest / new Client call', (hh) => {
  const c = counter();
  const options = { idempotencyKey: 'k', get apiKey() { c.n++; return 'afk_once'; } };
  const b = buildOf(hh, { prompt: 'x' }, options);
  same(c.n, 1, 'reads of apiKey during one buildRequest');
  same(b.value.headers['X-API-Key'], 'afk_once', 'the X-API-Key header');
  c.n = 0;
  check(!clientOf(hh, { get apiKey() { c.n++; return 'afk_once'; } }).error, 'new Client refused a plain apiKey');
  same(c.n, 1, 'reads of apiKey during one new Client');
});

def('toJSON is called exactly once per validate / buildRequest call', (hh) => {
  const c = counter();
  const req = { toJSON() { c.n++; return { prompt: 'x' }; } };
  expectClean(validateOf(hh, req));
  same(c.n, 1, 'toJSON calls during one validate');
  c.n = 0;
  buildOf(hh, req);
  same(c.n, 1, 'toJSON calls during one buildRequest');
});

// --- toJSON, as JSON.stringify honours it

def("{ toJSON() { return { prompt: 'x' } } } validates clean and is sent as { prompt: 'x' }", (hh) => {
  const { report, build } = threeWay(hh, { toJSON() { return { prompt: 'x' }; }, junk: Symbol('never read') });
  expectClean(report);
  same(build.body, { model: 'happyhorse-1.1', prompt: 'x' }, 'buildRequest body');
});

def('a toJSON that throws: an error issue at the request, no exception from any export', (hh) => {
  const { report } = threeWay(hh, { prompt: 'x', toJSON: boom });
  expectErrorAt(report, '');
  check(!report.errors.some((i) => i.path === 'toJSON'), `toJSON reported as a field: ${show(report.errors.map(issueLine))}`);
});

def('a toJSON on the nested params object is honoured: duration 10 → 310 credits, validate clean, body carries duration 10', (hh) => {
  const req = { prompt: 'x', happyhorse11Params: { duration: 3, toJSON() { return { duration: 10 }; } } };
  const { report, estimate, build } = threeWay(hh, req);
  expectClean(report);
  same(estimate.value.credits, 310, 'estimateCost credits');
  same(build.body.happyhorse11Params, { duration: 10 }, 'the params sent');
});

def('a toJSON that throws on the nested params object: an error at happyhorse11Params', (hh) => {
  const { report } = threeWay(hh, { prompt: 'x', happyhorse11Params: { duration: 5, toJSON: boom } });
  expectErrorAt(report, 'happyhorse11Params');
});

def('toJSON is honoured even when a cycle elsewhere makes the request invalid: the estimate still uses its duration', (hh) => {
  const req = { prompt: 'x', happyhorse11Params: { duration: 3, toJSON() { return { duration: 10 }; } } };
  req.extra = req;
  const r = validateOf(hh, req);
  expectErrorUnder(r, 'extra');
  check(!r.errors.some((i) => i.path.startsWith('happyhorse11Params')), `errors under happyhorse11Params, whose toJSON gives { duration: 10 }: ${show(r.errors.map(issueLine))}`);
  same(estimateOf(hh, req).value?.credits, 310, 'estimateCost credits');
});

def('toJSON receives the property name as its argument, as JSON.stringify passes it', (hh) => {
  const keys = [];
  const req = { toJSON(k) { keys.push(k); return { prompt: { toJSON(k2) { keys.push(k2); return 'x'; } }, happyhorse11Params: { images: [{ toJSON(k3) { keys.push(k3); return 'https://example.com/a.png'; } }] } }; } };
  validateOf(hh, req);
  same(keys, ['', 'prompt', '0'], 'the keys toJSON was called with');
});

def('toJSON returning this: the object is serialised as is (toJSON is a method, not a field)', (hh) => {
  const { report, build } = threeWay(hh, { prompt: 'x', toJSON() { return this; } });
  expectClean(report);
  same(build.body, { model: 'happyhorse-1.1', prompt: 'x' }, 'buildRequest body');
});

def('Date values: a Date prompt is its ISO text, a Date seed an error at seed, an invalid Date prompt an error at prompt', (hh) => {
  const d = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
  const a = threeWay(hh, { prompt: d });
  expectClean(a.report, 'validate (Date prompt)');
  same(a.build.body.prompt, '2024-01-02T03:04:05.000Z', 'the Date prompt sent');
  expectErrorAt(threeWay(hh, { prompt: 'x', happyhorse11Params: { seed: new Date(5) } }).report, 'happyhorse11Params.seed', 'INVALID_SEED');
  expectErrorAt(threeWay(hh, { prompt: new Date(NaN) }).report, 'prompt');
});

// --- numbers

def('seed 2022813349.9999998 is INVALID_SEED and never sent (not rounded to 2022813350)', (hh) => {
  const req = { prompt: 'x', happyhorse11Params: { seed: 2022813349.9999998 } };
  const { report, build, estimate } = threeWay(hh, req);
  expectErrorAt(report, 'happyhorse11Params.seed', 'INVALID_SEED');
  check(build.error, `buildRequest sent ${show(build.body)}`);
  check(!estimate.error, 'estimateCost refused over a seed');
});

def('seed 5e-324 and -5e-324 are INVALID_SEED (denormal fractions, not 0)', (hh) => {
  for (const seed of [5e-324, -5e-324, Number.MIN_VALUE * 3, 0.5, 2147483647.5, 1 - 2 ** -53]) {
    expectErrorAt(threeWay(hh, { prompt: 'x', happyhorse11Params: { seed } }, ` (seed ${seed})`).report, 'happyhorse11Params.seed', 'INVALID_SEED', `validate (seed ${seed})`);
  }
});

def('seed -0 is the integer 0: valid, and sent as 0 (as JSON.stringify writes it)', (hh) => {
  const { report, build } = threeWay(hh, { prompt: 'x', happyhorse11Params: { seed: -0 } });
  expectClean(report);
  check(build.value.body.includes('"seed":0') && !build.value.body.includes('-0'), `body ${build.value.body}`);
});

def('seed NaN, Infinity, -Infinity, 2**31, 2**53, 1e21, -1 are INVALID_SEED; 0 and 2147483647 are valid', (hh) => {
  for (const seed of [NaN, Infinity, -Infinity, 2 ** 31, 2 ** 53, 1e21, -1, new Number(NaN)]) {
    expectErrorAt(threeWay(hh, { prompt: 'x', happyhorse11Params: { seed } }, ` (seed ${seed})`).report, 'happyhorse11Params.seed', 'INVALID_SEED', `validate (seed ${seed})`);
  }
  for (const seed of [0, 2147483647]) expectClean(threeWay(hh, { prompt: 'x', happyhorse11Params: { seed } }).report, `validate (seed ${seed})`);
});

def('BigInt 1n: an error at seed / duration; buildRequest refuses; estimateCost throws INVALID_REQUEST for a BigInt duration', (hh) => {
  expectErrorAt(threeWay(hh, { prompt: 'x', happyhorse11Params: { seed: 1n } }).report, 'happyhorse11Params.seed');
  const { report, estimate } = threeWay(hh, { prompt: 'x', happyhorse11Params: { duration: 10n } });
  expectErrorAt(report, 'happyhorse11Params.duration');
  check(estimate.error, `estimateCost priced a BigInt duration: ${show(estimate.value)}`);
});

def('Number and String objects are their values (as JSON.stringify writes them): duration new Number(10) → 310 credits, resolution new String("720p") → 720p', (hh) => {
  const { report, estimate, build } = threeWay(hh, { prompt: new String('x'), happyhorse11Params: { duration: new Number(10), resolution: new String('720p'), seed: new Number(7) } });
  expectClean(report);
  same(estimate.value, { credits: 240, creditsPerSecond: 24, seconds: 10, resolution: '720p', assumedDuration: false }, 'estimateCost');
  same(build.body, { model: 'happyhorse-1.1', prompt: 'x', happyhorse11Params: { duration: 10, resolution: '720p', seed: 7 } }, 'buildRequest body');
});

def('duration fractions and denormals are INVALID_DURATION and stop the estimate (9.999999999999998, 5e-324, 10.5)', (hh) => {
  for (const duration of [9.999999999999998, 5e-324, 10.5, -0.5]) {
    const { report, estimate } = threeWay(hh, { prompt: 'x', happyhorse11Params: { duration } }, ` (duration ${duration})`);
    expectErrorAt(report, 'happyhorse11Params.duration', 'INVALID_DURATION', `validate (duration ${duration})`);
    check(estimate.error, `estimateCost priced duration ${duration}: ${show(estimate.value)}`);
  }
});

// --- symbols, functions, prototypes, built-ins

def('symbols as values are errors where they sit; symbol keys are ignored (JSON.stringify skips them)', (hh) => {
  expectErrorAt(threeWay(hh, { prompt: Symbol('p') }).report, 'prompt');
  expectErrorAt(threeWay(hh, { prompt: 'x', happyhorse11Params: { resolution: Symbol.iterator } }).report, 'happyhorse11Params.resolution');
  const { report, build } = threeWay(hh, { prompt: 'x', [Symbol('extra')]: { evil: true }, happyhorse11Params: { [Symbol.toStringTag]: 'x', duration: 5 } });
  expectClean(report);
  same(build.body, { model: 'happyhorse-1.1', prompt: 'x', happyhorse11Params: { duration: 5 } }, 'buildRequest body');
  expectErrorUnder(validateOf(hh, Symbol('request')), '');
});

def('functions: as the request NOT_AN_OBJECT (even with a prompt property), as a field an error where it sits', (hh) => {
  expectErrorAt(validateOf(hh, Object.assign(function request() {}, { prompt: 'x' })), '', 'NOT_AN_OBJECT');
  expectErrorUnder(threeWay(hh, { prompt: () => 'x' }).report, 'prompt');
  expectErrorUnder(threeWay(hh, { prompt: 'x', happyhorse11Params: { images: [function image() {}] } }).report, 'happyhorse11Params.images[0]');
});

def('Object.create(null) requests and params are plain objects: clean and sent', (hh) => {
  const params = Object.assign(Object.create(null), { duration: 10 });
  const req = Object.assign(Object.create(null), { prompt: 'x', happyhorse11Params: params });
  const { report, estimate, build } = threeWay(hh, req);
  expectClean(report);
  same(estimate.value.credits, 310, 'estimateCost credits');
  same(build.body, { model: 'happyhorse-1.1', prompt: 'x', happyhorse11Params: { duration: 10 } }, 'buildRequest body');
});

def("an inherited prompt is not a prompt: Object.create({ prompt: 'x' }) reports PROMPT_MISSING", (hh) => {
  const { report } = threeWay(hh, Object.create({ prompt: 'x' }));
  expectErrorAt(report, 'prompt', 'PROMPT_MISSING');
  const hidden = Object.defineProperty({}, 'prompt', { value: 'x', enumerable: false });
  expectErrorAt(threeWay(hh, hidden).report, 'prompt', 'PROMPT_MISSING');
  const inheritedParams = { prompt: 'x', happyhorse11Params: Object.create({ duration: 99 }) };
  expectClean(threeWay(hh, inheritedParams).report, 'validate (inherited duration 99 ignored)');
});

def('class instances: own fields are read, prototype getters and private fields are not', (hh) => {
  class Req {
    #secret = 'never';
    constructor() {
      this.prompt = 'x';
    }
    get happyhorse11Params() {
      return { duration: 99 };
    }
  }
  const { report, build } = threeWay(hh, new Req());
  expectClean(report);
  same(build.body, { model: 'happyhorse-1.1', prompt: 'x' }, 'buildRequest body');
});

def('Map/Set/typed arrays are what JSON.stringify makes of them: a Map request has no prompt, a Set or typed array is no image list', (hh) => {
  expectErrorAt(threeWay(hh, new Map([['prompt', 'x']])).report, 'prompt', 'PROMPT_MISSING');
  expectErrorUnder(threeWay(hh, { prompt: 'x', happyhorse11Params: { images: new Set(['https://example.com/a.png']) } }).report, 'happyhorse11Params.images');
  expectErrorUnder(threeWay(hh, { prompt: 'x', happyhorse11Params: { images: new Uint8Array(3) } }).report, 'happyhorse11Params.images');
  expectErrorUnder(threeWay(hh, { prompt: 'x', happyhorse11Params: { duration: new Uint8Array([10]) } }).report, 'happyhorse11Params.duration');
});

def('an own __proto__ key is an UNKNOWN_FIELD and pollutes nothing', (hh) => {
  const req = JSON.parse('{"prompt":"x","__proto__":{"polluted":true},"happyhorse11Params":{"__proto__":{"duration":99}}}');
  const { report } = threeWay(hh, req);
  expectErrorAt(report, '__proto__', 'UNKNOWN_FIELD');
  expectErrorAt(report, 'happyhorse11Params.__proto__', 'UNKNOWN_FIELD');
  check(({}).polluted === undefined && Object.prototype.polluted === undefined, 'Object.prototype was polluted');
});

// --- strings

def('lone surrogates in a prompt are never silently replaced: sent exactly, or refused at prompt', (hh) => {
  for (const prompt of ['x\ud800', '\udc00y', 'a\ud83d', '\ud83d\ud83d\udc0e']) {
    const { report, build } = threeWay(hh, { prompt }, ` (${show(prompt)})`);
    if (report.ok) same(build.body.prompt, prompt, 'the prompt sent (JSON.stringify escapes a lone surrogate as \\udXXX)');
    else expectErrorAt(report, 'prompt');
  }
});

def('prompt length is counted in UTF-16 units: 1250 astral characters fit, one more unit is PROMPT_TOO_LONG; lone surrogates are refused, never sent altered', (hh) => {
  // A Rust string cannot hold a lone surrogate, and the copy would turn it
  // into U+FFFD: the package refuses such text at its path instead.
  same(validateOf(hh, { prompt: '\ud800'.repeat(2500) }).errors.map(issueLine), ['prompt WRONG_TYPE'], 'validate (2500 lone surrogates)');
  same(validateOf(hh, { prompt: `a\udc00b` }).errors.map(issueLine), ['prompt WRONG_TYPE'], 'validate (one lone surrogate)');
  expectClean(validateOf(hh, { prompt: 'a\ufffdb' }), 'validate (a real U+FFFD is text)');
  expectClean(validateOf(hh, { prompt: '🐎'.repeat(1250) }), 'validate (1250 horses)');
  expectCodes(validateOf(hh, { prompt: `${'🐎'.repeat(1250)}x` }), ['PROMPT_TOO_LONG'], 'validate (1250 horses and one letter)');
});

def('findImageReferences indexes in UTF-16 units across astral characters and lone surrogates', (hh) => {
  same(referencesOf(hh, '🐎[Image 1]').value.map((r) => r.index), [2], 'index after one astral character');
  same(referencesOf(hh, '\ud800[Image 1]\udc00 [Image 2]').value.map((r) => r.index), [1, 12], 'indexes around lone surrogates');
  same(referencesOf(hh, '[Image \ud8001]').value.filter((r) => r.canonical).length, 0, 'a surrogate inside the brackets is no canonical reference');
});

def('packing delimiters (\\u0000-\\u0003) in URLs, keys and prompts never split or forge issues', (hh) => {
  const r1 = validateOf(hh, { prompt: '[Image 1]', happyhorse11Params: { images: ['not a url\u0001X\u0002Y\u0003Z'] } });
  same(r1.errors.map(issueLine), ['happyhorse11Params.images[0] IMAGE_NOT_URL'], 'errors for a non-URL image holding delimiters');
  same(r1.warnings, [], 'warnings');
  const r2 = validateOf(hh, { prompt: 'x', ['a\u0001b\u0002c\u0003d']: 1 });
  same(r2.errors.map((i) => i.code), ['UNKNOWN_FIELD'], 'errors for a key holding delimiters');
  const prompt = 'a\u0000b\u0001c\u0002d\u0003e\u0003';
  same(buildOf(hh, { prompt }).body.prompt, prompt, 'a prompt holding delimiters, as sent');
});

def('header injection: an idempotencyKey or apiKey holding CR/LF is refused with INVALID_REQUEST, never put in a header', (hh) => {
  for (const options of [{ idempotencyKey: 'a\r\nX-Evil: 1' }, { apiKey: 'afk_x\r\nX-Evil: 1', idempotencyKey: 'k' }, { idempotencyKey: 'k\u0000' }]) {
    const b = buildOf(hh, { prompt: 'x' }, options);
    check(b.error, `buildRequest built headers ${show(b.value?.headers)}`);
  }
  const long = buildOf(hh, { prompt: 'x' }, { idempotencyKey: 'k'.repeat(256) });
  check(long.error?.issues.some((i) => i.code === 'IDEMPOTENCY_KEY_TOO_LONG'), `a 256-character key: ${show(long.error?.issues ?? long.value)}`);
});

// --- client.getJob

def('client.getJob rejects non-string ids with INVALID_REQUEST before any request', async (hh, env) => {
  const ids = [undefined, null, 42, 1n, Symbol('id'), { toString: () => 'x' }, ['id'], revoked(), trapThrows('get'), () => 'id', new Array(1e7)];
  for (const id of ids) {
    const o = await getJobRefused(hh, env, id, undefined, 'getJob');
    check(o.error.code === 'INVALID_REQUEST', `getJob: code ${o.error.code}`);
  }
});

def('client.getJob with hostile string ids (traversal, CR/LF, lone surrogates, 1 MB) answers with a HappyHorseError from the loopback API', async (hh, env) => {
  const c = quietClient(hh, env);
  try {
    for (const id of ['../../v2/videos/generate', 'a\r\nX-Evil: 1', '\ud800', '?x=1#y', 'x'.repeat(1 << 20), '']) {
      const o = await asyncOutcome(hh, `getJob(${show(id, 40)})`, () => c.getJob(id));
      check(o.error, `getJob(${show(id, 40)}) resolved ${show(o.value)}`);
    }
  } finally {
    freeClient(c);
  }
}, { net: true });

def('client.getJob with hostile options (revoked signal, throwing signal getter, fake signal) answers with a HappyHorseError', async (hh, env) => {
  const c = quietClient(hh, env);
  try {
    for (const options of [{ signal: revoked() }, { get signal() { return boom(); } }, { signal: { aborted: true } }, { signal: trapThrows('get') }, everyTrapThrows()]) {
      const o = await asyncOutcome(hh, 'getJob(id, hostile options)', () => c.getJob('00000000-0000-4000-8000-000000000000', options));
      check(o.error, `getJob resolved ${show(o.value)}`);
    }
  } finally {
    freeClient(c);
  }
}, { net: true });

// --- answers are fresh

def('answers are fresh objects: mutating a report, an estimate or capabilities() changes no later answer', (hh) => {
  const first = validateOf(hh, { prompt: 'x' });
  first.errors.push({ path: 'x', code: 'FORGED', message: 'forged' });
  first.ok = 'mutated';
  expectClean(validateOf(hh, { prompt: 'x' }), 'validate after mutating an earlier report');
  const caps = hh.capabilities();
  const before = canonical(caps);
  caps.resolutions?.push?.('8k');
  caps.model = 'mutated';
  same(canonical(hh.capabilities()), before, 'capabilities() after mutating an earlier answer');
});

// --- heavy: shared children, deep nesting, huge arrays, huge strings

/** `levels` objects, each holding the previous twice: 2**levels paths, `levels` objects. */
export function dag(levels) {
  let o = {};
  for (let i = 0; i < levels; i++) o = { a: o, b: o };
  return o;
}

function arrayDag(levels) {
  let a = [];
  for (let i = 0; i < levels; i++) a = [a, a];
  return a;
}

function deep(levels, leaf = {}) {
  let o = leaf;
  for (let i = 0; i < levels; i++) o = { a: o };
  return o;
}

function deepArray(levels) {
  let a = [];
  for (let i = 0; i < levels; i++) a = [a];
  return a;
}

/** An infinitely deep object made up on demand. */
function bottomless() {
  const p = new Proxy({}, {
    ownKeys: () => ['a'],
    getOwnPropertyDescriptor: () => ({ value: p, enumerable: true, configurable: true, writable: true }),
    get: (_, k) => (k === 'a' ? new Proxy({}, handler) : undefined),
  });
  const handler = {
    ownKeys: () => ['a'],
    getOwnPropertyDescriptor: () => ({ value: undefined, enumerable: true, configurable: true, writable: true }),
    get: (_, k) => (k === 'a' ? new Proxy({}, handler) : undefined),
  };
  return p;
}

def('a 48-level DAG of shared children as an unknown field: an error at extra, answered (its tree has 2**48 paths)', (hh) => {
  const { report } = threeWay(hh, { prompt: 'x', extra: dag(48) });
  expectErrorUnder(report, 'extra');
}, { heavy: true });

def('a 48-level DAG as happyhorse11Params: an error under happyhorse11Params, answered', (hh) => {
  const { report } = threeWay(hh, { prompt: 'x', happyhorse11Params: dag(48) });
  expectErrorUnder(report, 'happyhorse11Params');
}, { heavy: true });

def('a 48-level array DAG as images: an error under happyhorse11Params.images, answered', (hh) => {
  const { report } = threeWay(hh, { prompt: 'x', happyhorse11Params: { images: arrayDag(48) } });
  expectErrorUnder(report, 'happyhorse11Params.images');
}, { heavy: true });

def('a 48-level DAG in buildRequest / new Client options: a HappyHorseError or a value, answered', (hh) => {
  buildOf(hh, { prompt: 'x' }, { idempotencyKey: 'k', extra: dag(48) });
  clientOf(hh, { extra: dag(48) });
}, { heavy: true });

def('1e5 levels of nesting as an unknown field, as params, as images: an error where it sits', (hh) => {
  expectErrorUnder(threeWay(hh, { prompt: 'x', extra: deep(1e5) }, ' (extra)').report, 'extra');
  expectErrorUnder(threeWay(hh, { prompt: 'x', happyhorse11Params: deep(1e5) }, ' (params)').report, 'happyhorse11Params');
  expectErrorUnder(threeWay(hh, { prompt: 'x', happyhorse11Params: { images: deepArray(1e5) } }, ' (images)').report, 'happyhorse11Params.images');
  expectErrorUnder(threeWay(hh, deep(1e5, { prompt: 'x' }), ' (the request)').report, '');
}, { heavy: true });

def('1e5 levels of nesting in options: answered; as an apiKey/baseUrl or a findImageReferences argument a HappyHorseError', (hh) => {
  buildOf(hh, { prompt: 'x' }, deep(1e5));
  clientOf(hh, deep(1e5));
  check(buildOf(hh, { prompt: 'x' }, { idempotencyKey: 'k', apiKey: deep(1e5) }).error, 'buildRequest accepted a 1e5-deep apiKey');
  check(clientOf(hh, { baseUrl: deep(1e5) }).error, 'new Client accepted a 1e5-deep baseUrl');
  check(referencesOf(hh, deep(1e5)).error, 'findImageReferences answered for an object');
}, { heavy: true });

def('a bottomless Proxy (a new level on every read) as a field and as the request: an error, answered', (hh) => {
  expectErrorUnder(threeWay(hh, { prompt: 'x', extra: bottomless() }).report, 'extra');
  expectErrorUnder(threeWay(hh, bottomless()).report, '');
}, { heavy: true });

def('images: new Array(1e7): an error at happyhorse11Params.images; estimateCost still answers', (hh) => {
  const { report, estimate } = threeWay(hh, { prompt: 'x', happyhorse11Params: { images: new Array(1e7) } });
  expectErrorUnder(report, 'happyhorse11Params.images');
  check(!estimate.error, `estimateCost refused: ${estimate.error?.message}`);
}, { heavy: true });

def('images: 1e6 copies of one URL: TOO_MANY_IMAGES (it is a list of URLs, just too many)', (hh) => {
  const { report } = threeWay(hh, { prompt: 'x', happyhorse11Params: { images: new Array(1e6).fill('https://example.com/a.png') } });
  expectErrorAt(report, 'happyhorse11Params.images', 'TOO_MANY_IMAGES');
}, { heavy: true });

def('sparse images arrays (length 2**32-1 with one item; a hole before a URL): an error under images', (hh) => {
  const huge = [];
  huge[2 ** 32 - 2] = 'https://example.com/a.png';
  expectErrorUnder(threeWay(hh, { prompt: 'x', happyhorse11Params: { images: huge } }, ' (length 2**32-1)').report, 'happyhorse11Params.images');
  const holey = [, 'https://example.com/a.png']; // eslint-disable-line no-sparse-arrays
  expectErrorAt(threeWay(hh, { prompt: '[Image 1] [Image 2]', happyhorse11Params: { images: holey } }, ' (hole)').report, 'happyhorse11Params.images[0]');
}, { heavy: true });

def('an array Proxy claiming length 2**32-1 as images and as the request: an error, answered', (hh) => {
  const claim = () => new Proxy([], { get: (t, k) => (k === 'length' ? 2 ** 32 - 1 : 'https://example.com/a.png') });
  expectErrorUnder(threeWay(hh, { prompt: 'x', happyhorse11Params: { images: claim() } }).report, 'happyhorse11Params.images');
  expectErrorAt(threeWay(hh, claim()).report, '', 'NOT_AN_OBJECT');
  referencesOf(hh, claim());
}, { heavy: true });

def('a request with 1e5 unknown keys: answered with an error that says so (past the 10,000-value reading budget)', (hh) => {
  const wide = { prompt: 'x' };
  for (let i = 0; i < 1e5; i++) wide[`k${i}`] = i;
  const r = validateOf(hh, wide);
  check(!r.ok && r.errors.length === 1 && r.errors[0].path === '' && /too many keys/.test(r.errors[0].message), `validate: ${show(r.errors.slice(0, 3))}`);
  const some = { prompt: 'x' };
  for (let i = 0; i < 100; i++) some[`k${i}`] = i;
  const r2 = validateOf(hh, some);
  check(r2.errors.length === 100 && r2.errors.every((i) => i.code === 'UNKNOWN_FIELD'), `validate (100 unknown keys): ${show(r2.errors.slice(0, 3))}`);
}, { heavy: true });

def('a 1e5-byte Uint8Array as the request: errors, answered', (hh) => {
  check(!validateOf(hh, new Uint8Array(1e5)).ok, 'a typed array validated as a request');
}, { heavy: true });

def('images: a 1e6-byte Uint8Array: an error at happyhorse11Params.images', (hh) => {
  expectErrorUnder(validateOf(hh, { prompt: 'x', happyhorse11Params: { images: new Uint8Array(1e6) } }), 'happyhorse11Params.images');
}, { heavy: true });

const MB48 = 48 * 1024 * 1024;
let bigPrompt;
const hugePrompt = () => (bigPrompt ??= 'Image 1 '.repeat(MB48 / 8));
let bigUrl;
const hugeUrl = () => (bigUrl ??= `https://example.com/${'a'.repeat(MB48)}`);

def('a 48 MB prompt ("Image 1 " repeated): validate reports PROMPT_TOO_LONG', (hh) => {
  const r = validateOf(hh, { prompt: hugePrompt() });
  expectErrorAt(r, 'prompt', 'PROMPT_TOO_LONG');
  same(r.errors.map((i) => i.code), ['PROMPT_TOO_LONG'], 'error codes');
}, { heavy: true });

def('a 48 MB prompt: estimateCost answers 155 credits, buildRequest throws INVALID_REQUEST with PROMPT_TOO_LONG', (hh) => {
  same(estimateOf(hh, { prompt: hugePrompt() }).value?.credits, 155, 'estimateCost credits');
  const b = buildOf(hh, { prompt: hugePrompt() });
  check(b.error?.issues.some((i) => i.code === 'PROMPT_TOO_LONG'), `buildRequest: ${show(b.error?.issues ?? b.body)}`);
  check(b.error.message.length < 10000, `the error message is ${b.error.message.length} characters long`);
}, { heavy: true });

def('a 48 MB prompt: findImageReferences answers (every mention, or a HappyHorseError)', (hh) => {
  const o = outcome(hh, 'findImageReferences', () => hh.findImageReferences(hugePrompt()));
  if (o.value) {
    same(o.value.length, MB48 / 8, 'the number of mentions');
    same(o.value[1], { text: 'Image 1', number: 1, canonical: false, bracketed: false, index: 8 }, 'the second mention');
  }
}, { heavy: true });

def('a 48 MB image URL: validate answers in image-to-video mode with nothing wrong about the prompt', (hh) => {
  const r = validateOf(hh, { prompt: '[Image 1] rotating', happyhorse11Params: { images: [hugeUrl()] } });
  same(r.mode, 'image-to-video', 'mode');
  check(r.errors.every((i) => i.path === 'happyhorse11Params.images[0]'), `errors: ${show(r.errors.map(issueLine))}`);
  check(r.errors.every((i) => i.message.length < 10000), 'an error message echoes the 48 MB URL');
}, { heavy: true });

def('a 48 MB image URL: buildRequest sends it intact or refuses it with INVALID_REQUEST', (hh) => {
  const url = hugeUrl();
  const b = buildOf(hh, { prompt: '[Image 1] rotating', happyhorse11Params: { images: [url] } });
  if (!b.error) check(b.body.happyhorse11Params.images[0] === url, 'the URL sent differs from the URL given');
}, { heavy: true });

def('a 48 MB unknown key: UNKNOWN_FIELD, with a message that does not echo 48 MB', (hh) => {
  const r = validateOf(hh, { prompt: 'x', [hugeUrl()]: 1 });
  same(r.errors.map((i) => i.code), ['UNKNOWN_FIELD'], 'error codes');
  check(r.errors[0].message.length < 10000, `the message is ${r.errors[0].message.length} characters long`);
}, { heavy: true });

def('a 48 MB model: UNSUPPORTED_MODEL, with a message that does not echo 48 MB', (hh) => {
  const r = validateOf(hh, { prompt: 'x', model: hugeUrl() });
  expectErrorAt(r, 'model', 'UNSUPPORTED_MODEL');
  check(r.errors.every((i) => i.message.length < 10000), 'an error message echoes 48 MB');
}, { heavy: true });

def('a 48 MB webhookUrl: answered, with messages that do not echo 48 MB', (hh) => {
  const r = validateOf(hh, { prompt: 'x', webhookUrl: hugeUrl() });
  check([...r.errors, ...r.warnings].every((i) => i.message.length < 10000), 'a message echoes 48 MB');
  check(r.errors.every((i) => i.path === 'webhookUrl'), `errors: ${show(r.errors.map(issueLine))}`);
}, { heavy: true });

def('a 48 MB idempotencyKey: IDEMPOTENCY_KEY_TOO_LONG', (hh) => {
  const b = buildOf(hh, { prompt: 'x' }, { idempotencyKey: hugeUrl() });
  check(b.error?.issues.some((i) => i.code === 'IDEMPOTENCY_KEY_TOO_LONG'), `buildRequest: ${show(b.error?.issues ?? b.value)}`);
  check(b.error.message.length < 10000, `the message is ${b.error.message.length} characters long`);
}, { heavy: true });

// ------------------------------------------------------------ running cases

/** Runs one case by name; never throws. */
export async function runCase(hh, env, name) {
  const c = cases.find((x) => x.name === name);
  if (!c) return { ok: false, ms: 0, error: `no case named ${name}` };
  const t0 = performance.now();
  try {
    await c.run(hh, env);
    return { ok: true, ms: performance.now() - t0 };
  } catch (e) {
    const error = e instanceof Failure ? e.message : `the case itself threw ${thrown(e)}\n${e?.stack ?? ''}`;
    return { ok: false, ms: performance.now() - t0, error };
  }
}

// ------------------------------------------------------------- recovery

export const EXAMPLES = {
  horses: { prompt: 'A herd of horses thundering across desert dunes, dust trailing behind, golden hour' },
  gate: { prompt: '[Image 1] walks through the gate of [Image 2] at dusk, cinematic tracking shot', happyhorse11Params: { images: ['https://example.com/horse.jpg', 'https://example.com/gate.jpg'] } },
  product: { prompt: 'A product hero shot of [Image 1] rotating slowly on a reflective surface, studio lighting', happyhorse11Params: { images: ['https://example.com/product.png'] } },
  quickStart: {
    model: 'happyhorse-1.1',
    prompt: 'a cinematic sunrise over a futuristic cityscape, smooth camera push-in',
    happyhorse11Params: { images: ['https://example.com/input.jpg'], resolution: '1080p', aspect_ratio: '16:9', seed: 1 },
  },
};

const INVALID = {
  empty: { prompt: '   ', model: 'other', happyhorse11Params: { duration: 99, seed: -1, resolution: '4k', aspectRatio: '16:9' } },
  images: { prompt: '[Image 3] and [image 1]', happyhorse11Params: { images: ['blob:https://x/1', 'file:///a.png', 5, 'http://example.com/a.png'] }, webhook_url: 'x' },
  notObject: 5,
};

/** Everything the exports answer for ordinary input, as plain data (each answer or what it threw). */
export async function answers(hh, env) {
  const out = {};
  const take = (label, fn) => {
    try {
      out[label] = { value: fn() };
    } catch (e) {
      out[label] = isHHError(hh, e) ? { error: { code: e.code, message: e.message, issues: e.issues } } : { threw: thrown(e) };
    }
  };
  for (const [k, v] of Object.entries({ ...EXAMPLES, ...INVALID })) take(`validate(${k})`, () => hh.validate(v));
  take('estimateCost(10 s)', () => hh.estimateCost({ prompt: 'x', happyhorse11Params: { duration: 10 } }));
  take('estimateCost(720p)', () => hh.estimateCost({ prompt: 'x', happyhorse11Params: { resolution: '720p' } }));
  take('estimateCost(bad duration)', () => hh.estimateCost({ prompt: 'x', happyhorse11Params: { duration: 2 } }));
  take('buildRequest(quickStart)', () => hh.buildRequest(EXAMPLES.quickStart, { apiKey: 'afk_test', baseUrl: 'https://api.apiframe.ai', idempotencyKey: 'k-1' }));
  take('buildRequest(gate, page proxy)', () => hh.buildRequest(EXAMPLES.gate, { baseUrl: '/api', idempotencyKey: 'k-2' }));
  take('buildRequest(invalid)', () => hh.buildRequest(INVALID.images, { idempotencyKey: 'k-3' }));
  take('buildRequest fresh key shape', () => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(hh.buildRequest(EXAMPLES.horses).headers['Idempotency-Key']));
  take('findImageReferences', () => hh.findImageReferences('[Image 1] and [image 2] then Image 3 (Image 4) [Image10]'));
  take('findImageReferences(5)', () => hh.findImageReferences(5));
  take('capabilities', () => hh.capabilities());
  take('new Client(bad)', () => new hh.Client({ baseUrl: 5 }));
  try {
    const c = new hh.Client({ apiKey: 'afk_test', baseUrl: env.baseUrl, maxRetries: 0 });
    try {
      out['getJob(42)'] = await c.getJob(42).then((v) => ({ value: v }), (e) => (isHHError(hh, e) ? { error: { code: e.code, message: e.message, issues: e.issues } } : { threw: thrown(e) }));
    } finally {
      freeClient(c);
    }
  } catch (e) {
    out['getJob(42)'] = { threw: thrown(e) };
  }
  return JSON.parse(JSON.stringify(out));
}

/** Absolute checks of a fresh instance's answers (so the baseline itself is right). */
export function checkAnswers(a) {
  const v = (k) => {
    check(a[k] && 'value' in a[k], `${k}: ${show(a[k])}`);
    return a[k].value;
  };
  for (const k of ['horses', 'gate', 'product']) expectClean(v(`validate(${k})`), `validate(${k})`);
  const qs = v('validate(quickStart)');
  check(qs.ok && qs.mode === 'image-to-video', `validate(quickStart): ${show(qs)}`);
  same(qs.warnings.map(issueLine), ['happyhorse11Params.aspect_ratio ASPECT_RATIO_IGNORED'], 'validate(quickStart) warnings');
  same(v('estimateCost(10 s)').credits, 310, 'estimateCost(10 s) credits');
  same(v('estimateCost(720p)').credits, 120, 'estimateCost(720p) credits');
  same(a['estimateCost(bad duration)'].error?.code, 'INVALID_REQUEST', 'estimateCost(bad duration)');
  const b = v('buildRequest(quickStart)');
  same({ ...b, body: JSON.parse(b.body) }, {
    method: 'POST',
    url: 'https://api.apiframe.ai/v2/videos/generate',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-API-Key': 'afk_test', 'Idempotency-Key': 'k-1' },
    body: EXAMPLES.quickStart,
  }, 'buildRequest(quickStart)');
  same(a['buildRequest(invalid)'].error?.code, 'INVALID_REQUEST', 'buildRequest(invalid)');
  same(v('buildRequest fresh key shape'), true, 'a fresh Idempotency-Key is a UUID v4');
  same(a['getJob(42)'].error?.code, 'INVALID_REQUEST', 'getJob(42)');
}

/** Wraps the exports so every call (Client and getJob included) is counted. */
export function counting(hh) {
  let n = 0;
  const wrap = (f) => (...a) => {
    n++;
    return f(...a);
  };
  function Client(options) {
    n++;
    const c = arguments.length === 0 ? new hh.Client() : new hh.Client(options);
    const getJob = c.getJob.bind(c);
    c.getJob = (...a) => {
      n++;
      return getJob(...a);
    };
    return c;
  }
  return {
    validate: wrap(hh.validate),
    estimateCost: wrap(hh.estimateCost),
    buildRequest: wrap(hh.buildRequest),
    findImageReferences: wrap(hh.findImageReferences),
    capabilities: wrap(hh.capabilities),
    Client,
    HappyHorseError: hh.HappyHorseError,
    calls: () => n,
  };
}

/**
 * Every hostile call the light values allow, as thunks on `hh`: each value in
 * each request position through validate / estimateCost / buildRequest, and
 * as each export's argument and option. A thunk never throws; it answers
 * false when the export escaped with something other than a HappyHorseError.
 */
export function hostileCalls(hh, env) {
  const calls = [];
  const sync = (f) => calls.push(() => {
    try {
      f();
      return true;
    } catch (e) {
      return isHHError(hh, e);
    }
  });
  for (const entry of VALUES) {
    for (const pos of POSITIONS) {
      sync(() => hh.validate(pos.make(entry.make())));
      sync(() => hh.estimateCost(pos.make(entry.make())));
      sync(() => hh.buildRequest(pos.make(entry.make()), BUILD_OPTIONS));
    }
    sync(() => hh.findImageReferences(entry.make()));
    sync(() => hh.capabilities(entry.make()));
    sync(() => hh.buildRequest({ prompt: 'x' }, entry.make()));
    for (const field of ['apiKey', 'baseUrl', 'idempotencyKey']) sync(() => hh.buildRequest({ prompt: 'x' }, { [field]: entry.make() }));
    sync(() => freeClient(new hh.Client(entry.make())));
    const jobCall = (id, options) => async () => {
      let c;
      try {
        c = quietClient(hh, env);
        await (options === undefined ? c.getJob(id) : c.getJob(id, options));
        return true;
      } catch (e) {
        return isHHError(hh, e);
      } finally {
        freeClient(c);
      }
    };
    if (typeof entry.make() !== 'string') calls.push(jobCall(entry.make(), undefined));
    calls.push(jobCall(42, entry.make()));
  }
  return calls;
}

/**
 * The barrage: every hostile call of hostileCalls() and every light (not
 * heavy, not net) case, round after round, until `calls` export calls were
 * made; then every ordinary answer is compared with `baseline` (answers() of
 * a fresh instance). Never throws.
 */
export async function barrage(hh, env, baseline, { calls = 100000 } = {}) {
  const counted = counting(hh);
  const thunks = hostileCalls(counted, env);
  const pool = cases.filter((c) => !c.heavy && !c.net);
  const failing = {};
  let escaped = 0;
  let runs = 0;
  const t0 = performance.now();
  while (counted.calls() < calls) {
    for (const call of thunks) {
      if (!(await call())) escaped++;
      if (counted.calls() >= calls) break;
    }
    for (const c of pool) {
      if (counted.calls() >= calls) break;
      try {
        await c.run(counted, env);
      } catch (e) {
        failing[c.name] = (failing[c.name] ?? 0) + 1;
      }
      runs++;
    }
  }
  const ms = performance.now() - t0;
  let after;
  try {
    after = await answers(hh, env);
  } catch (e) {
    return { calls: counted.calls(), runs, escaped, ms, failing, mismatches: [`answers() itself threw ${thrown(e)}`] };
  }
  const mismatches = [];
  for (const k of new Set([...Object.keys(baseline), ...Object.keys(after)])) {
    if (canonical(baseline[k]) !== canonical(after[k])) mismatches.push(`${k}:\n  before ${show(baseline[k], 300)}\n  after  ${show(after[k], 300)}`);
  }
  return { calls: counted.calls(), runs, escaped, ms, failing, mismatches };
}

// --------------------------------------------------------------- memory

/** Valid and invalid bodies of the kinds a page sends on every keystroke. */
export const MEMORY_BODIES = [
  ...Object.values(EXAMPLES),
  ...Object.values(INVALID),
  { prompt: 'x'.repeat(3000) },
  { prompt: '[Image 1] [Image 2] [Image 9]', happyhorse11Params: { images: Array.from({ length: 12 }, (_, i) => `https://example.com/${i}.png`) } },
  { prompt: 'x', webhookUrl: 'http://localhost:3000/hook', webhookEvents: ['progress', 'nope'] },
  undefined,
  null,
  'a string',
  [1, 2, 3],
  { prompt: 'x', happyhorse11Params: { seed: NaN, duration: 1n } },
];

/** Hostile request values (every light value in every request position). */
export function hostileBodies() {
  const out = [];
  for (const entry of VALUES) for (const pos of POSITIONS) out.push(() => pos.make(entry.make()));
  return out;
}

/**
 * wasm memory size before and after `calls` validate calls over `bodies`
 * (values, or functions making a fresh value), after `warmup` calls.
 * Counts calls that threw (validate must not). Never throws.
 */
export function memoryRun(hh, memory, { bodies = MEMORY_BODIES, warmup = 10000, calls = 1000000 } = {}) {
  const make = bodies.map((b) => (typeof b === 'function' ? b : () => b));
  let threw = 0;
  let firstThrow = null;
  const run = (n) => {
    for (let i = 0; i < n; i++) {
      try {
        hh.validate(make[i % make.length]());
      } catch (e) {
        threw++;
        firstThrow ??= `call ${i}: ${thrown(e)}`;
      }
    }
  };
  run(warmup);
  const before = memory.buffer.byteLength;
  const t0 = performance.now();
  run(calls);
  const ms = performance.now() - t0;
  const after = memory.buffer.byteLength;
  // Still answering an ordinary request correctly?
  let stillRight;
  try {
    const r = hh.validate(EXAMPLES.horses);
    stillRight = r.ok && r.errors.length === 0 && r.warnings.length === 0 ? true : `validate(horses) answered ${show(r)}`;
  } catch (e) {
    stillRight = `validate(horses) threw ${thrown(e)}`;
  }
  return { before, after, calls, threw, firstThrow, stillRight, ms };
}
