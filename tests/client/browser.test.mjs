// The client scenarios in headless Chromium (the web build), with the fake
// on another origin, plus one whole job inside a Web Worker.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, serveStatic } from '../page/browser.mjs';
import { root } from '../node/load.mjs';
import { startFake } from './fake.mjs';
import { fakeControl, callFake } from './control.mjs';
import { scenarios } from './scenarios.mjs';

// `other`: a second fake on a third origin, where the hostile scenarios'
// redirects point; no scenario may ever get an API request to it.
let fake, other, site, browser, page;
before(async () => {
  [fake, other] = await Promise.all([startFake(), startFake()]);
  site = await serveStatic(root);
  browser = await launch();
  page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  // The fake serves /__fake/* only to same-origin callers: the page reaches it through Node.
  await page.exposeFunction('__fakeControl', callFake);
  await page.goto(`${site.url}/tests/client/runner.html?fake=${encodeURIComponent(fake.url)}&other=${encodeURIComponent(other.url)}`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 15000 });
});
after(async () => {
  await browser?.close();
  await site?.close();
  fake?.stop();
  other?.stop();
});

for (const name of Object.keys(scenarios)) {
  test(name, async () => {
    const r = await page.evaluate((n) => window.runScenario(n), name);
    assert.ok(r.ok, r.error);
    assert.deepEqual(await fakeControl(other.url).apiLog(), [], 'the other origin saw no API request');
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

test('checkImage reads format and size, and warns like the provider limits', async () => {
  const r = await page.evaluate(async (fakeUrl) => {
    const { checkImage } = await import('/pkg/happyhorse.js');
    return {
      jpg: await checkImage('/fake-api/media/castle.jpg'),
      tiny: await checkImage(`${location.origin}/fake-api/media/tiny.png`, { index: 2 }),
      crossOrigin: await checkImage(`${fakeUrl}/media/horse.png`),
      missing: await checkImage(`${location.origin}/nope.png`, { index: 0 }),
    };
  }, fake.url);
  assert.deepEqual({ ...r.jpg, url: undefined }, { url: undefined, ok: true, format: 'jpg', width: 800, height: 600, warnings: [] });
  assert.equal(r.tiny.format, 'png');
  assert.deepEqual(r.tiny.warnings.map((w) => [w.path, w.code]), [['happyhorse11Params.images[2]', 'IMAGE_TOO_SMALL']]);
  // The fake's media has no CORS headers: the size comes from an <img>, the format stays unverified.
  assert.equal(r.crossOrigin.format, null);
  assert.deepEqual([r.crossOrigin.width, r.crossOrigin.height], [640, 360]);
  assert.deepEqual(r.crossOrigin.warnings.map((w) => w.code), ['IMAGE_FORMAT_UNVERIFIED']);
  assert.deepEqual(r.missing.warnings.map((w) => [w.path, w.code]), [['happyhorse11Params.images[0]', 'IMAGE_UNREADABLE']]);
  assert.equal(r.missing.ok, false);
});
