// The demo in proxy mode (scripts/demo-server.mjs, createProxy inside), in
// headless Chromium, against the fake API as the upstream: a job runs from
// the page, and the key is nowhere the page can see — not in its HTML, its
// requests, their answers, its storage or its cookies.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { launch } from './browser.mjs';
import { root } from '../node/load.mjs';
import { startFake } from '../client/fake.mjs';
import { fakeControl } from '../client/control.mjs';

const KEY = 'afk_demo_server_only_7c1e';
let fake, demo, demoUrl, browser;

before(async () => {
  fake = await startFake();
  await fakeControl(fake.url).config({ timeScale: 600, jobSeconds: 6, queueSeconds: 1 });
  demo = spawn(process.execPath, [path.join(root, 'scripts', 'demo-server.mjs'), '--upstream', fake.url, '--port', '0'], {
    env: { ...process.env, APIFRAME_API_KEY: KEY },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  demoUrl = await new Promise((resolve, reject) => {
    let out = '';
    demo.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[\d.:]+)\//);
      if (m) resolve(m[1]);
    });
    demo.on('exit', (code) => reject(new Error(`demo-server exited with ${code}: ${out}`)));
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  demo?.kill();
  fake?.stop();
});

test('a job runs from the page through createProxy; the key is nowhere in the page, its traffic or its storage', async () => {
  const page = await browser.newPage();
  const seen = [];
  page.on('request', (r) => seen.push(`${r.method()} ${r.url()} ${JSON.stringify(r.headers())} ${r.postData() ?? ''}`));
  page.on('response', async (r) => {
    seen.push(JSON.stringify(await r.allHeaders()));
    try {
      seen.push(await r.text());
    } catch {
      // a body the page never read (a redirect, a media range)
    }
  });
  await page.goto(`${demoUrl}/`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 15000 });
  await page.fill('#prompt', 'A herd of horses thundering across desert dunes, golden hour');
  await page.click('#generate');
  await page.waitForSelector('video', { timeout: 30000 });
  const log = await fakeControl(fake.url).apiLog();
  assert.ok(log.some((e) => e.method === 'POST' && e.path === '/v2/videos/generate'), 'the job was submitted upstream');
  assert.ok(log.every((e) => e.headers['x-api-key'] === `afk_…(${KEY.length} chars)`), 'every upstream request carried the key');
  const html = await page.content();
  const storage = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
  const cookies = JSON.stringify(await page.context().cookies());
  for (const [where, text] of [['html', html], ['storage', storage], ['cookies', cookies], ['traffic', seen.join('\n')]]) {
    assert.ok(!text.includes(KEY), `the key appears in the page's ${where}`);
  }
  assert.ok(seen.some((s) => s.includes('/v2/videos/generate')), 'the page talked to its own server');
  await page.close();
});

test('the demo server refuses what the proxy refuses: other paths and origins get nothing upstream', async () => {
  await fakeControl(fake.url).reset();
  const other = await fetch(`${demoUrl}/v2/me`);
  assert.equal(other.status, 404);
  const foreign = await fetch(`${demoUrl}/v2/videos/generate`, { method: 'POST', body: '{"prompt":"x"}', headers: { origin: 'https://evil.example' } });
  assert.equal(foreign.status, 403);
  assert.deepEqual(await fakeControl(fake.url).apiLog(), []);
});
