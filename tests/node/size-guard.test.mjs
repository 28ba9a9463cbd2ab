// The release .wasm stays free of code that costs kilobytes for nothing a
// user sees: a `&str` pattern search (`contains("//")`) or a panicking
// string slice links core's `slice_error_fail`, whose message formats a
// `char` with `Debug` and so brings the Unicode printable tables: about
// 5 KB gzipped, measured when two such searches were removed. Names are
// stripped from the release build, so the test looks for that message.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('the release wasm links no string-slicing panic (and its Unicode tables)', () => {
  const wasm = readFileSync(path.join(root, 'pkg', 'happyhorse_bg.wasm')).toString('latin1');
  for (const text of ['is not a char boundary', 'byte index ']) {
    assert.ok(!wasm.includes(text), `pkg/happyhorse_bg.wasm holds "${text}": a str pattern search or a panicking slice is back on a release path`);
  }
});
