// The hostile-input suite against the web build (pkg/happyhorse.js after
// `await init()`) in a page of headless Chromium. Each case is raced against
// a watchdog; a page that hangs is closed and the next case gets a fresh one.
// Then recovery after a barrage of hostile calls, and wasm memory across a
// million validate calls (each in a fresh page).
//
//   node --test tests/hostile/browser.test.mjs
//   HOSTILE_ONLY / HOSTILE_SCALE / HOSTILE_WATCHDOG_MS as in node.test.mjs
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, serveStatic } from '../page/browser.mjs';
import { root } from '../node/load.mjs';
import { cases, checkAnswers } from './cases.mjs';
import { settings, recoveryName, memoryNames, assertRecovery, assertMemory } from './settings.mjs';

const { only, watchdogMs, barrageCalls, memoryCalls, hostileMemoryCalls, warmup } = settings(process.env);

let site;
let browser;
let page = null;

before(async () => {
  site = await serveStatic(root);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

async function freshPage() {
  await closePage();
  page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${site.url}/tests/hostile/runner.html`);
  await page.waitForFunction(() => window.hostileReady !== undefined, null, { timeout: 30000 });
  const error = await page.evaluate(() => window.hostileError);
  if (error) throw new Error(`the runner page failed to start: ${error}`);
}

async function closePage() {
  const p = page;
  page = null;
  if (p) await p.close({ runBeforeUnload: false }).catch(() => {});
}

/** Evaluates `fn(arg)` in the page; { hang: true } (and the page closed) after `timeoutMs`. */
async function inPage(fn, arg, timeoutMs) {
  if (!page) await freshPage();
  let timer;
  const evaluation = page.evaluate(fn, arg);
  const hang = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ hang: true }), timeoutMs);
  });
  try {
    const r = await Promise.race([evaluation.catch((e) => ({ crash: String(e?.message ?? e) })), hang]);
    if (r.hang || r.crash) {
      evaluation.catch(() => {});
      await closePage();
    }
    return r;
  } finally {
    clearTimeout(timer);
  }
}

for (const c of cases) {
  if (only && !only.test(c.name)) continue;
  test(c.name, async (t) => {
    const r = await inPage((name) => window.hostile.runCase(name), c.name, watchdogMs);
    if (r.hang) assert.fail(`no answer within ${watchdogMs} ms (hang guard); the page was closed`);
    if (r.crash) assert.fail(`the page failed: ${r.crash}`);
    t.diagnostic(`${r.ms.toFixed(1)} ms`);
    if (!r.ok) assert.fail(r.error);
  });
}

if (!only || only.test(recoveryName)) {
  test(recoveryName, async (t) => {
    // In the page that ran the cases above (unless a hang replaced it).
    const r = await inPage((calls) => window.hostile.barrage(calls), barrageCalls, 120000);
    if (r.hang) assert.fail('the barrage did not finish within 120 s (hang guard)');
    if (r.crash) assert.fail(`the page failed: ${r.crash}`);
    checkAnswers(r.baseline);
    assertRecovery(t, r, barrageCalls);
  });
}

for (const [bodies, name] of Object.entries(memoryNames)) {
  if (only && !only.test(name)) continue;
  test(name, async (t) => {
    await freshPage(); // a fresh instance: its memory has seen nothing yet
    const calls = bodies === 'plain' ? memoryCalls : hostileMemoryCalls;
    const r = await inPage((o) => window.hostile.memory(o), { bodies, warmup, calls }, 120000);
    if (r.hang) assert.fail('the memory run did not finish within 120 s (hang guard)');
    if (r.crash) assert.fail(`the page failed: ${r.crash}`);
    assertMemory(t, r);
  });
}
