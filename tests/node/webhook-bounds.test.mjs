// verifyWebhook under a stranger's input: anyone can post to a webhook URL,
// so a huge body or signature must cost nothing — the signature's form is
// checked first, a body over 1 MiB is `false` unread, and the body never
// enters wasm memory (its size stays the same).
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { loadWithMemory } from './wasm-memory.mjs';

const KEY = 'afk_webhook_owner';
const MiB = 1 << 20;
const sign = (body) => 'sha256=' + createHmac('sha256', createHash('sha256').update(KEY).digest()).update(body).digest('hex');
const { pkg, memory: wasmMemory } = loadWithMemory();
const memory = () => wasmMemory.buffer.byteLength;
// A fresh instance grows its memory by one 64 KiB page on its first call (so
// did the __wasmMemory() hook this file once called first): one ordinary
// verification first, so the measurements below see only what bodies cost.
assert.equal(await pkg.verifyWebhook({ apiKey: KEY, body: '{}', signature: sign('{}') }), true);

test('a 64 MB body is answered false at once, with a malformed or a well-formed signature, and never copied into wasm', async () => {
  const huge = 'x'.repeat(64 * MiB);
  const bytes = new Uint8Array(64 * MiB);
  const before = memory();
  for (const [body, signature] of [[huge, 'nonsense'], [huge, sign('x')], [bytes, sign('x')], [bytes.buffer, sign('x')], [huge, sign(huge)]]) {
    const t0 = performance.now();
    assert.equal(await pkg.verifyWebhook({ apiKey: KEY, body, signature }), false);
    assert.ok(performance.now() - t0 < 250, `took ${performance.now() - t0} ms`);
  }
  assert.equal(memory(), before, 'wasm memory grew');
});

test('a huge signature or key is not read', async () => {
  const before = memory();
  assert.equal(await pkg.verifyWebhook({ apiKey: KEY, body: '{}', signature: 'a'.repeat(16 * MiB) }), false);
  await assert.rejects(pkg.verifyWebhook({ apiKey: 'k'.repeat(16 * MiB), body: '{}', signature: sign('{}') }), (e) => e.code === 'INVALID_REQUEST');
  assert.equal(memory(), before, 'wasm memory grew');
});

test('bodies up to 1 MiB verify (string, bytes, non-ASCII); one byte more is false', async () => {
  const atLimit = '{"a":"' + 'é'.repeat((MiB - 8) / 2) + '"}';
  assert.equal(Buffer.byteLength(atLimit), MiB);
  assert.equal(await pkg.verifyWebhook({ apiKey: KEY, body: atLimit, signature: sign(atLimit) }), true);
  assert.equal(await pkg.verifyWebhook({ apiKey: KEY, body: new TextEncoder().encode(atLimit), signature: sign(atLimit) }), true);
  const over = atLimit + ' ';
  assert.equal(await pkg.verifyWebhook({ apiKey: KEY, body: over, signature: sign(over) }), false);
  const small = '{"event":"completed"}';
  assert.equal(await pkg.verifyWebhook({ apiKey: KEY, body: small, signature: sign(small) }), true);
  assert.equal(await pkg.verifyWebhook({ apiKey: KEY, body: small, signature: sign(small).toUpperCase().replace('SHA256=', '') }), true);
  await assert.rejects(pkg.verifyWebhook({ apiKey: KEY, body: 5, signature: sign(small) }), (e) => e.code === 'INVALID_REQUEST');
  await assert.rejects(pkg.verifyWebhook({ apiKey: KEY, body: 5, signature: 'nonsense' }), (e) => e.code === 'INVALID_REQUEST');
});
