// verifyWebhook where the runtime has no WebCrypto: UNSUPPORTED (what is
// missing is the environment's, not the arguments'), and the module works
// once it is back.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createHash } from 'node:crypto';
import { pkg } from './load.mjs';

const KEY = 'afk_webhook_runtime_key';
const BODY = '{"event":"job.completed"}';
const SIGNATURE = `sha256=${createHmac('sha256', createHash('sha256').update(KEY).digest()).update(BODY).digest('hex')}`;

test('no crypto.subtle: UNSUPPORTED, then a true answer once WebCrypto is back', async () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  Object.defineProperty(globalThis, 'crypto', { value: {}, configurable: true, writable: true });
  try {
    await assert.rejects(pkg.verifyWebhook({ apiKey: KEY, body: BODY, signature: SIGNATURE }), (e) => {
      assert.ok(e instanceof pkg.HappyHorseError);
      assert.equal(e.code, 'UNSUPPORTED');
      assert.match(e.message, /WebCrypto/);
      return true;
    });
  } finally {
    Object.defineProperty(globalThis, 'crypto', saved);
  }
  assert.equal(await pkg.verifyWebhook({ apiKey: KEY, body: BODY, signature: SIGNATURE }), true);
});
