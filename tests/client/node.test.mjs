// The client scenarios in Node 18+ (global fetch), against the fake, plus
// what only a server does: receive the fake's signed webhook and verify it.
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { pkg } from '../node/load.mjs';
import { startFake } from './fake.mjs';
import { fakeControl } from './control.mjs';
import { scenarios } from './scenarios.mjs';

let fake;
let ctx;
before(async () => {
  fake = await startFake();
  ctx = { hh: pkg, fake: fakeControl(fake.url) };
});
after(() => fake.stop());
beforeEach(() => ctx.fake.reset());

for (const [name, run] of Object.entries(scenarios)) {
  test(name, () => run(ctx));
}

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
