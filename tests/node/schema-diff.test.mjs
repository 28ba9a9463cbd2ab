// Differential test against the provider's own schema: thousands of bodies,
// valid and invalid, judged by a JSON-Schema validator (ajv) on the
// happyhorse-1.1 branch of ../shared/apiframe-openapi.json and by our
// `validate`. No body the schema rejects may pass `validate`. Where we reject
// what the schema accepts, it must be one of the stricter rules contract §2
// asks for (listed below) — never an accident.
import test from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { pkg, happyHorseSchema } from './load.mjs';

// Stricter than the schema on purpose (contract §2): whitespace-only prompt;
// prompt length in UTF-16 units (the service's count; JSON Schema counts code
// points); [Image N] references; blob:/file: images; http(s) URLs without a
// host; webhook URLs that are not http(s).
const STRICTER = new Set([
  'PROMPT_EMPTY', 'PROMPT_TOO_LONG', 'IMAGE_REFERENCE_OUT_OF_RANGE', 'IMAGE_REFERENCE_WITHOUT_IMAGES',
  'IMAGE_LOCAL_FILE', 'IMAGE_NOT_URL', 'INVALID_WEBHOOK_URL',
]);

// A small seeded PRNG so every run checks the same bodies (mulberry32).
function rng(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROMPTS = [
  'A herd of horses thundering across desert dunes, dust trailing behind, golden hour',
  '[Image 1] walks through the gate of [Image 2] at dusk, cinematic tracking shot',
  '[Image 1] spins', '[Image 0] and [Image 3]', '', ' ', '\n\t', 'x', '🐎'.repeat(1250), '🐎'.repeat(1251),
  'a'.repeat(2500), 'a'.repeat(2501), 'é'.repeat(2500), '[image 1] near miss', 'Image 2 bare', 42, null, ['x'],
];
const URLS = [
  'https://example.com/input.jpg', 'https://example.com/b.png', 'http://example.com/c.jpg', 'data:image/png;base64,iVBORw0KGgo=',
  'blob:https://example.com/5f1c', 'file:///tmp/x.jpg', 'example.com/x.jpg', '/x.jpg', 'https://example.com/a b.jpg',
  'https://example.com/café.jpg', 'https://example.com/%zz', 'https://[::1]/x.jpg', 'https://[::g]/x.jpg', 'https:',
  'https://', 'https:///x.jpg', 'ftp://example.com/x.jpg', 'mailto:a@example.com', 'https://exa<mple.com/', 'https://example.com:8o/',
  'HTTPS://EXAMPLE.COM/X.JPG', 'https://u:p@example.com:8443/p?q=1#f', 'urn:isbn:123', 7, null, '',
];
const RESOLUTIONS = ['720p', '1080p', '4k', '1080P', 1080, null, ''];
const ASPECTS = ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9', '16/9', 1.77, null];
const DURATIONS = [3, 5, 10, 15, 2, 16, 5.5, -5, 0, '5', null, 1e300, NaN];
const SEEDS = [0, 1, 2147483647, 2147483648, -1, 0.5, '1', null];
const EVENTS = ['progress', 'completed', 'failed', 'done', 'COMPLETED', 1];
const WEBHOOKS = ['https://example.com/hook', 'http://example.com/hook', 'http://localhost:3000/h', 'example.com/hook', 'ftp://example.com/h', 'mailto:x@example.com', 'https://exa mple.com', 'urn:x', 5, ''];
const EXTRA_KEYS = ['aspectRatio', 'webhook_url', 'image', 'negative_prompt', 'duration'];

function body(r) {
  const pick = (list) => list[Math.floor(r() * list.length)];
  const b = {};
  if (r() < 0.95) b.prompt = pick(PROMPTS);
  if (r() < 0.5) b.model = r() < 0.9 ? 'happyhorse-1.1' : pick(['happyhorse-1.0', 'sora-2', 5]);
  if (r() < 0.8) {
    const p = {};
    if (r() < 0.6) {
      const n = Math.floor(r() * 11);
      p.images = Array.from({ length: n }, () => (r() < 0.6 ? `https://example.com/${Math.floor(r() * 5)}.jpg` : pick(URLS)));
    }
    if (r() < 0.5) p.resolution = pick(RESOLUTIONS);
    if (r() < 0.4) p.aspect_ratio = pick(ASPECTS);
    if (r() < 0.5) p.duration = pick(DURATIONS);
    if (r() < 0.3) p.seed = pick(SEEDS);
    if (r() < 0.05) p[pick(EXTRA_KEYS)] = 1;
    b.happyhorse11Params = r() < 0.97 ? p : pick([null, [], 'p']);
  }
  if (r() < 0.3) b.webhookUrl = pick(WEBHOOKS);
  if (r() < 0.3) b.webhookEvents = r() < 0.1 ? pick([[], 'completed']) : Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(EVENTS));
  if (r() < 0.05) b[pick(EXTRA_KEYS)] = 'x';
  return b;
}

test('no body the provider schema rejects passes validate', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const schemaCheck = ajv.compile(happyHorseSchema());
  const r = rng(20261125);
  const counts = { both_ok: 0, both_reject: 0, stricter: 0 };
  const stricterCodes = new Set();
  for (let i = 0; i < 5000; i++) {
    const b = body(r);
    // What goes on the wire: JSON, with `model` added as buildRequest does.
    const wire = JSON.parse(JSON.stringify({ model: 'happyhorse-1.1', ...b }));
    const schemaOk = schemaCheck(wire);
    const ours = pkg.validate(b);
    if (!schemaOk) {
      assert.equal(ours.ok, false, `schema rejects but validate passes: ${JSON.stringify(b)}\n${ajv.errorsText(schemaCheck.errors)}`);
      counts.both_reject++;
    } else if (!ours.ok) {
      for (const issue of ours.errors) {
        assert.ok(STRICTER.has(issue.code), `validate rejects a schema-valid body with ${issue.code} (${issue.message}): ${JSON.stringify(b)}`);
        stricterCodes.add(issue.code);
      }
      counts.stricter++;
    } else {
      counts.both_ok++;
    }
  }
  // The generator must exercise all three outcomes, or the test proves little.
  assert.ok(counts.both_ok > 200 && counts.both_reject > 200 && counts.stricter > 50, JSON.stringify(counts));
  console.log('schema differential:', JSON.stringify(counts), 'stricter by:', [...stricterCodes].sort().join(' '));
});

test('the contract examples pass both the schema and validate', () => {
  const ajv = new Ajv({ strict: false });
  addFormats(ajv);
  const schemaCheck = ajv.compile(happyHorseSchema());
  const quickStart = {
    model: 'happyhorse-1.1',
    prompt: 'a cinematic sunrise over a futuristic cityscape, smooth camera push-in',
    happyhorse11Params: { images: ['https://example.com/input.jpg'], resolution: '1080p', aspect_ratio: '16:9', seed: 1 },
  };
  assert.ok(schemaCheck(quickStart));
  const r = pkg.validate(quickStart);
  assert.equal(r.ok, true);
  assert.deepEqual(r.warnings.map((w) => w.code), ['ASPECT_RATIO_IGNORED']);
});
