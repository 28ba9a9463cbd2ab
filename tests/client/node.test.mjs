// The client scenarios in Node 18+ (global fetch), against the fake, plus
// what only a server does: receive the fake's signed webhook and verify it.
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { inspect } from 'node:util';
import { pkg } from '../node/load.mjs';
import { startFake } from './fake.mjs';
import { fakeControl } from './control.mjs';
import { scenarios, echoedKeyError, SECRET } from './scenarios.mjs';

// `other`: a second fake on another origin, where the hostile scenarios'
// redirects point; no scenario may ever get an API request to it.
let fake, other;
let ctx;
before(async () => {
  [fake, other] = await Promise.all([startFake(), startFake()]);
  ctx = { hh: pkg, server: pkg, fake: fakeControl(fake.url), other: fakeControl(other.url) };
});
after(() => {
  fake?.stop();
  other?.stop();
});
beforeEach(() => Promise.all([ctx.fake.reset(), ctx.other.reset()]));

for (const [name, run] of Object.entries(scenarios)) {
  test(name, async () => {
    await run(ctx);
    assert.deepEqual(await ctx.other.apiLog(), [], 'the other origin saw no API request');
  });
}

test('hostile: util.inspect of an error from a key-echoing server does not show the key', async () => {
  for (const call of [(c) => c.submit({ prompt: 'a horse' }), (c) => c.getJob('00000000-0000-4000-8000-000000000000')]) {
    const e = await echoedKeyError(ctx, call);
    const shown = inspect(e, { depth: 5 });
    assert.ok(!shown.includes(SECRET), shown);
    assert.ok(shown.includes('***'), shown);
  }
});

test('a webhook from the fake verifies with verifyWebhook', async () => {
  const received = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ body, signature: req.headers['x-webhook-signature'] });
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => hook.listen(0, '127.0.0.1', r));
  try {
    await ctx.fake.config({ timeScale: 600, jobSeconds: 180, queueSeconds: 5 });
    const apiKey = 'afk_webhook_key';
    const client = new pkg.Client({ baseUrl: fake.url, apiKey });
    const job = await client.generate(
      { prompt: 'a horse', webhookUrl: `http://127.0.0.1:${hook.address().port}/hook`, webhookEvents: ['progress', 'completed'] },
      { pollIntervalMs: 50 },
    );
    for (let i = 0; i < 50 && !received.some((r) => JSON.parse(r.body).event === 'completed'); i++) await new Promise((r) => setTimeout(r, 20));
    const completed = received.find((r) => JSON.parse(r.body).event === 'completed');
    assert.ok(completed, `events: ${received.map((r) => r.body)}`);
    assert.equal(JSON.parse(completed.body).jobId, job.jobId);
    assert.match(completed.signature, /^sha256=[0-9a-f]{64}$/);
    for (const r of received) {
      assert.equal(await pkg.verifyWebhook({ apiKey, body: r.body, signature: r.signature }), true);
    }
    assert.ok(received.some((r) => JSON.parse(r.body).event === 'progress'));
    assert.equal(await pkg.verifyWebhook({ apiKey: 'afk_wrong', body: completed.body, signature: completed.signature }), false);
    assert.equal(await pkg.verifyWebhook({ apiKey, body: completed.body + ' ', signature: completed.signature }), false);
  } finally {
    hook.close();
  }
});
