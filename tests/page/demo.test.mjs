// The demo page (www/) in headless Chromium, served by the fake API as the
// README's demo command serves it, driven like a person would.
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launch } from './browser.mjs';
import { root } from '../node/load.mjs';
import { startFake } from '../client/fake.mjs';
import { fakeControl } from '../client/control.mjs';

const OUT = path.join(root, 'test-output');
let fake, control, browser, page;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  fake = await startFake();
  control = fakeControl(fake.url);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  fake?.stop();
});
beforeEach(async () => {
  await control.reset();
  await control.config({ timeScale: 200, jobSeconds: 180, queueSeconds: 5 });
  page?.isClosed() === false && (await page.close());
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => { throw e; });
  await page.goto(`${fake.url}/`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 15000 });
});

const errorCodes = () => page.$$eval('.messages li.error', (els) => els.map((e) => e.dataset.code));

test('every control has a visible label and the button is named Generate', async () => {
  await page.getByRole('button', { name: 'Add image' }).click();
  for (const name of ['Prompt', 'Image URL', 'Resolution', 'Aspect ratio', 'Duration', 'Seed']) {
    assert.equal(await page.getByLabel(name, { exact: false }).first().isVisible(), true, name);
  }
  await page.click('#webhook-section summary');
  assert.equal(await page.getByLabel('Webhook URL').isVisible(), true);
  assert.equal(await page.getByRole('button', { name: 'Generate' }).count(), 1);
  assert.equal(await page.locator('[aria-live]').count() >= 1, true);
  // Options come from the package's capabilities.
  assert.deepEqual(await page.$$eval('#resolution option', (o) => o.map((x) => x.value)), ['720p', '1080p']);
  assert.deepEqual(await page.$$eval('#aspect-ratio option', (o) => o.map((x) => x.value)), ['16:9', '9:16', '1:1', '4:3', '3:4']);
  assert.deepEqual(await page.$eval('#duration', (d) => [d.min, d.max]), ['3', '15']);
});

test('an empty prompt shows an error and Generate is disabled', async () => {
  assert.deepEqual(await errorCodes(), ['PROMPT_EMPTY']);
  assert.equal(await page.isDisabled('#generate'), true);
  await page.fill('#prompt', 'A herd of horses thundering across desert dunes, golden hour');
  assert.deepEqual(await errorCodes(), []);
  assert.equal(await page.isEnabled('#generate'), true);
  assert.equal(await page.textContent('#mode'), 'text-to-video');
});

test('ten images give the too-many error', async () => {
  await page.fill('#prompt', 'a horse');
  for (let i = 0; i < 10; i++) {
    await page.click('#add-image');
    await page.locator('#images > li input').last().fill(`https://example.com/${i}.jpg`);
  }
  assert.ok((await errorCodes()).includes('TOO_MANY_IMAGES'));
  assert.equal(await page.isDisabled('#generate'), true);
  assert.match(await page.textContent('[data-for="happyhorse11Params.images"]'), /at most 9 images/);
});

test('[Image 3] with two images is flagged', async () => {
  await page.click('#add-image');
  await page.locator('#images > li input').last().fill('https://example.com/a.jpg');
  await page.click('#add-image');
  await page.locator('#images > li input').last().fill('https://example.com/b.jpg');
  await page.fill('#prompt', '[Image 1] walks through the gate of [Image 3]');
  assert.ok((await errorCodes()).includes('IMAGE_REFERENCE_OUT_OF_RANGE'));
  assert.deepEqual(await page.$$eval('#refs .chip', (c) => c.map((x) => [x.textContent, x.className])), [['[Image 1]', 'chip valid'], ['[Image 3]', 'chip dangling']]);
  assert.equal(await page.textContent('#mode'), 'reference-to-video');
  assert.equal(await page.isDisabled('#generate'), true);
});

test('resolution and duration update the cost live', async () => {
  await page.fill('#prompt', 'a horse');
  await page.locator('#duration').fill('10');
  await page.selectOption('#resolution', '1080p');
  assert.equal(await page.textContent('#cost'), '310');
  await page.selectOption('#resolution', '720p');
  assert.equal(await page.textContent('#cost'), '240');
});

test('the aspect-ratio control says it is ignored with exactly one image', async () => {
  assert.equal(await page.isVisible('#aspect-note'), false);
  await page.click('#add-image');
  await page.locator('#images > li input').last().fill('https://example.com/a.jpg');
  assert.equal(await page.isVisible('#aspect-note'), true);
});

test('a valid text-to-video request runs to a <video> of the fake result', async () => {
  await page.fill('#prompt', 'A herd of horses thundering across desert dunes, golden hour');
  await page.click('#generate');
  await page.waitForSelector('#video:not([hidden])', { timeout: 20000 });
  assert.equal(await page.getAttribute('#video', 'src'), `${fake.url}/media/sample.webm`);
  assert.equal(await page.textContent('#job-status'), 'COMPLETED');
  assert.match(await page.textContent('#job-id'), /^[0-9a-f-]{36}$/);
  assert.equal(await page.isEnabled('#generate'), true, 'ready for another');
  await page.screenshot({ path: path.join(OUT, 'demo-desktop-completed.png'), fullPage: true });
});

test('Cancel stops the wait and no poll follows it', async () => {
  await control.config({ timeScale: 5 });
  await page.fill('#prompt', 'a slow horse');
  await page.click('#generate');
  await page.waitForFunction(() => document.querySelector('#job-status').textContent === 'QUEUED');
  await page.click('#cancel');
  await page.waitForSelector('#job-error:not([hidden])');
  assert.match(await page.textContent('#job-error'), /ABORTED.*Stopped waiting/);
  await page.waitForTimeout(100);
  const atCancel = (await control.apiLog()).length;
  await page.waitForTimeout(3000); // the first poll would come 2 s after the submit
  const log = await control.apiLog();
  assert.equal(log.length, atCancel, 'no request after Cancel');
  assert.equal(log.filter((e) => e.method === 'GET').length, 0);
  assert.equal(await page.isEnabled('#generate'), true);
});

test('a FAILED job shows its code and message', async () => {
  await page.fill('#prompt', 'a horse #fail');
  await page.click('#generate');
  await page.waitForSelector('#job-error:not([hidden])', { timeout: 20000 });
  const text = await page.textContent('#job-error');
  assert.match(text, /JOB_FAILED/);
  assert.match(text, /fake failure/);
  assert.equal(await page.textContent('#job-status'), 'FAILED');
});

test('Copy request shows the exact request with the key masked', async () => {
  await page.click('#connection summary');
  await page.fill('#api-key', 'afk_secret_key_123');
  await page.fill('#prompt', "it's a horse");
  await page.click('#copy-request');
  const curl = await page.textContent('#curl');
  assert.match(curl, /curl -X POST '.*\/v2\/videos\/generate'/);
  assert.match(curl, /X-API-Key: afk_…/);
  assert.match(curl, /Idempotency-Key: [0-9a-f-]{36}/);
  assert.ok(curl.includes(`'{"model":"happyhorse-1.1","prompt":"it'\\''s a horse"`), curl);
  const fetchSnippet = await page.textContent('#fetch-snippet');
  const all = curl + fetchSnippet + (await page.content());
  assert.ok(!all.includes('secret_key'), 'the key never reaches the page text');
});

test('user text is rendered as text, never as markup', async () => {
  await page.fill('#prompt', '<img src=x onerror="window.pwned=1"> [Image 1]');
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await page.locator('#refs img, .messages img').count(), 0);
  assert.match(await page.textContent('.messages[data-for="prompt"]'), /\[Image 1\]/);
});

test('works from the keyboard: add an image and generate with Enter', async () => {
  await page.focus('#prompt');
  await page.keyboard.type('a horse #seconds=10');
  await page.focus('#add-image');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#images > li').count(), 1);
  assert.equal(await page.evaluate(() => document.activeElement.type), 'url', 'focus moves to the new URL field');
  await page.keyboard.type(`${fake.url}/media/horse.png`);
  await page.focus('#generate');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#video:not([hidden])', { timeout: 20000 });
});

test('screenshots at 360 px and desktop', async () => {
  await page.click('#example-images');
  for (const [name, width, height] of [['demo-360.png', 360, 800], ['demo-desktop.png', 1280, 900]]) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(200);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no horizontal scroll at ${width}px (overflow ${overflow})`);
    await page.screenshot({ path: path.join(OUT, name), fullPage: true });
  }
});

test('a submit that keeps failing offers to try again under the same key, and nothing is duplicated', async () => {
  await control.fault({ route: 'generate', kind: 'status', status: 503, count: 3 });
  await page.fill('#prompt', 'a horse');
  await page.click('#generate');
  await page.waitForSelector('#resume:not([hidden])', { timeout: 20000 });
  assert.match(await page.textContent('#job-error'), /SERVER_ERROR/);
  assert.match(await page.textContent('#resume'), /Try again/);
  await page.click('#resume');
  await page.waitForSelector('#video:not([hidden])', { timeout: 20000 });
  const posts = (await control.apiLog()).filter((e) => e.method === 'POST');
  assert.deepEqual(posts.map((p) => p.status), [503, 503, 503, 202]);
  assert.equal(new Set(posts.map((p) => p.headers['idempotency-key'])).size, 1, 'one key throughout');
});

test('after Cancel, Keep waiting resumes the same job', async () => {
  await control.config({ timeScale: 60 });
  await page.fill('#prompt', 'a horse');
  await page.click('#generate');
  await page.waitForFunction(() => /^[0-9a-f-]{36}$/.test(document.querySelector('#job-id').textContent));
  const jobId = await page.textContent('#job-id');
  await page.click('#cancel');
  await page.waitForSelector('#resume:not([hidden])');
  assert.equal(await page.textContent('#resume'), 'Keep waiting');
  await page.click('#resume');
  await page.waitForSelector('#video:not([hidden])', { timeout: 20000 });
  assert.equal(await page.textContent('#job-id'), jobId);
  assert.equal((await control.apiLog()).filter((e) => e.method === 'POST').length, 1);
});
