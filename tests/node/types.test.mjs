// The hand-written TypeScript declarations must name exactly the keys the
// exports return: this keeps `.d.ts` and behaviour in step.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pkg, root } from './load.mjs';

const dts = readFileSync(path.join(root, 'pkg-node', 'happyhorse.d.ts'), 'utf8');

function declaredKeys(name) {
  const m = dts.match(new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`));
  assert.ok(m, `interface ${name} is declared`);
  return [...m[1].matchAll(/^\s+(\w+)\??:/gm)].map((x) => x[1]).sort();
}

test('Report, Issue, Estimate, HttpRequest and Capabilities match their declarations', () => {
  const report = pkg.validate({ prompt: '' });
  assert.deepEqual(Object.keys(report).sort(), declaredKeys('Report'));
  assert.deepEqual(Object.keys(report.errors[0]).sort(), declaredKeys('Issue'));
  assert.deepEqual(Object.keys(pkg.estimateCost({ prompt: 'x' })).sort(), declaredKeys('Estimate'));
  assert.deepEqual(Object.keys(pkg.buildRequest({ prompt: 'x' })).sort(), declaredKeys('HttpRequest'));
  assert.deepEqual(Object.keys(pkg.capabilities()).sort(), declaredKeys('Capabilities'));
});

test('exports are typed without any', () => {
  for (const fn of ['validate', 'estimateCost', 'buildRequest', 'capabilities']) {
    const m = dts.match(new RegExp(`export function ${fn}\\(([^)]*)\\): (\\w+);`));
    assert.ok(m, `${fn} is declared`);
    assert.ok(!/\bany\b/.test(m[0]), `${fn}: ${m[0]}`);
  }
  assert.match(dts, /export declare class HappyHorseError extends Error/);
});
