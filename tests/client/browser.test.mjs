// The client scenarios in headless Chromium (the web build), with the fake
// on another origin, plus one whole job inside a Web Worker.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, serveStatic } from '../page/browser.mjs';
import { root } from '../node/load.mjs';
import { startFake } from './fake.mjs';
import { fakeControl } from './control.mjs';
import { scenarios } from './scenarios.mjs';

let fake, site, browser, page;
before(async () => {
  fake = await startFake();
  site = await serveStatic(root);
  browser = await launch();
  page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${site.url}/tests/client/runner.html?fake=${encodeURIComponent(fake.url)}`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 15000 });
});
after(async () => {
  await browser?.close();
  await site?.close();
  fake?.stop();
});

for (const name of Object.keys(scenarios)) {
  test(name, async () => {
    const r = await page.evaluate((n) => window.runScenario(n), name);
    assert.ok(r.ok, r.error);
  });
}

test('a whole job runs inside a Web Worker', async () => {
  await fakeControl(fake.url).reset();
  await fakeControl(fake.url).config({ timeScale: 600, jobSeconds: 180, queueSeconds: 5 });
  const r = await page.evaluate(() => window.runInWorker());
  assert.ok(r.ok, r.error);
  assert.equal(r.hasWindow, false);
  assert.equal(r.status, 'COMPLETED');
  assert.equal(r.statuses.at(-1), 'COMPLETED');
  assert.deepEqual(r.videoUrls, [`${fake.url}/media/sample.webm`]);
  const log = await fakeControl(fake.url).apiLog();
  assert.ok(log.some((e) => e.method === 'GET' && e.path === `/v2/jobs/${r.jobId}`));
});
