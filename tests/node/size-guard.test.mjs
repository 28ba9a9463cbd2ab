// Guards on what the page build (pkg/, `happyhorse`) costs a page:
//
// 1. Its size: the .wasm + the JS glue + its snippets, gzip -9, counted by
//    bench/size.mjs's `builtSize` (the figure bench/run reports), stays
//    within PAGE_BUILD_BUDGET_GZ.
// 2. It leaves the server half out: the server build (pkg/server/) is the
//    larger one, and the page build's glue exports no createProxy or
//    verifyWebhook (which the server build's does).
// 3. The release .wasm stays free of code that costs kilobytes for nothing a
//    user sees: a `&str` pattern search (`contains("//")`) or a panicking
//    string slice links core's `slice_error_fail`, whose message formats a
//    `char` with `Debug` and so brings the Unicode printable tables: about
//    5 KB gzipped, measured when two such searches were removed. Names are
//    stripped from the release build, so the test looks for that message.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtSize } from '../../bench/size.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pageDir = path.join(root, 'pkg');
const serverDir = path.join(root, 'pkg', 'server');

// The page build's budget, bytes gzip -9 as `builtSize('pkg').totalGz`
// counts them. The target is 49,152 B (48 KB); the build is not there
// (README "Benchmarks" says where the bytes go), so this is the size measured,
// rounded up to the next 512 B, plus 512 B of headroom: it stops the build
// from growing, and is lowered as the build shrinks, until it reaches the
// target. It was 77,312 B (76,482 B measured by bench/run at 425b81c); jobs
// that outlive the page (issue 16: the record, the claim across tabs, the
// store with memory behind it, jobs/resume/resumeAll/forget, store.js and
// tabs.js) took it to 89,516 B (+13.0 KB, of which 3.6 KB were won back by
// linking no sort), measured with this test at 02b8a71: 89,600 + 512.
const PAGE_BUILD_BUDGET_GZ = 90_112;

/** The names an ES module glue exports (`export function|class X`, `export { a, b as c }`). */
function glueExports(dir) {
  const js = readFileSync(path.join(dir, 'happyhorse.js'), 'utf8');
  const names = [...js.matchAll(/^export (?:async )?(?:function|class|const|let|var) (\w+)/gm)].map((m) => m[1]);
  for (const [, list] of js.matchAll(/^export \{([^}]*)\}/gm)) {
    names.push(...list.split(',').map((s) => s.trim().split(/\s+as\s+/).pop()).filter(Boolean));
  }
  return names;
}

test('the page build stays within its size budget (gzip -9, .wasm + glue + snippets)', (t) => {
  const s = builtSize(pageDir);
  t.diagnostic(`page build: ${s.totalGz} B gzip -9 (.wasm ${s.wasmGz} B + JS ${s.jsGz} B); budget ${PAGE_BUILD_BUDGET_GZ} B, target 49152 B`);
  assert.ok(
    s.totalGz <= PAGE_BUILD_BUDGET_GZ,
    `pkg/ is ${s.totalGz} B gzip -9 (.wasm ${s.wasmGz} B + JS glue and ${s.snippets} snippets ${s.jsGz} B), ${s.totalGz - PAGE_BUILD_BUDGET_GZ} B over its budget of ${PAGE_BUILD_BUDGET_GZ} B: see where the bytes went with bench/size-parts`,
  );
});

test('the page build leaves the server half out', () => {
  const page = builtSize(pageDir);
  const server = builtSize(serverDir);
  assert.ok(server.totalGz > page.totalGz, `the server build (${server.totalGz} B gzip -9) is not larger than the page build (${page.totalGz} B)`);
  assert.ok(server.wasmRaw > page.wasmRaw, `the server build's .wasm (${server.wasmRaw} B) is not larger than the page build's (${page.wasmRaw} B)`);
  const pageNames = glueExports(pageDir);
  const serverNames = glueExports(serverDir);
  for (const name of ['validate', 'Client', 'checkImage', 'HappyHorseError', 'default']) {
    assert.ok(pageNames.includes(name), `pkg/happyhorse.js does not export ${name} (exports: ${pageNames.join(', ')})`);
  }
  for (const name of ['createProxy', 'verifyWebhook']) {
    assert.ok(serverNames.includes(name), `pkg/server/happyhorse.js does not export ${name} (exports: ${serverNames.join(', ')})`);
    assert.ok(!pageNames.includes(name), `pkg/happyhorse.js (the page build) exports ${name}`);
  }
});

test('the release wasm links no string-slicing panic (and its Unicode tables)', () => {
  const wasm = readFileSync(path.join(pageDir, 'happyhorse_bg.wasm')).toString('latin1');
  for (const text of ['is not a char boundary', 'byte index ']) {
    assert.ok(!wasm.includes(text), `pkg/happyhorse_bg.wasm holds "${text}": a str pattern search or a panicking slice is back on a release path`);
  }
});
