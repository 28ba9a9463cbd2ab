// The *release* build (after wasm-opt) must load and validate in headless
// Chromium: a broken optimiser can ship a package that fails at init while
// every dev-build test passes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { launch, serveStatic } from './browser.mjs';
import { root } from '../node/load.mjs';

test('release pkg/ initialises and validates in Chromium', async () => {
  const server = await serveStatic(root);
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${server.url}/tests/page/release.html`);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 15000 });
    const r = await page.evaluate(() => window.result);
    assert.equal(r.initError, undefined, r.initError);
    assert.deepEqual(pageErrors, []);
    assert.equal(r.valid.ok, true);
    assert.equal(r.valid.mode, 'text-to-video');
    assert.deepEqual(r.invalid.errors.map((i) => i.code), ['PROMPT_EMPTY', 'TOO_MANY_IMAGES']);
    assert.deepEqual(r.thrown, { isError: true, isHH: true, code: 'INVALID_REQUEST', issues: validateShape(r.thrown.issues) });
    assert.equal(r.thrown.issues[0].code, 'PROMPT_EMPTY');
    assert.equal(r.cost, 310);
    assert.equal(r.caps, 'happyhorse-1.1');
    assert.equal(r.undef.errors[0].code, 'NOT_AN_OBJECT');
  } finally {
    await browser.close();
    await server.close();
  }
});

function validateShape(issues) {
  assert.ok(Array.isArray(issues) && issues.every((i) => typeof i.path === 'string' && typeof i.code === 'string' && typeof i.message === 'string'));
  return issues;
}
