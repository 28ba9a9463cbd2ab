// The hand-written TypeScript declarations must name exactly the keys the
// exports return: this keeps `.d.ts` and behaviour in step.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
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

test('ImageReference, Job and Accepted match their declarations', async () => {
  assert.deepEqual(Object.keys(pkg.findImageReferences('[Image 1]')[0]).sort(), declaredKeys('ImageReference'));
  // A job as the client returns it, from the fake API.
  const { startFake } = await import('../client/fake.mjs');
  const fake = await startFake();
  try {
    await fetch(`${fake.url}/__fake/config`, { method: 'POST', body: JSON.stringify({ timeScale: 600, jobSeconds: 6, queueSeconds: 1 }) });
    const client = new pkg.Client({ baseUrl: fake.url });
    const accepted = await client.submit({ prompt: 'a horse' });
    assert.deepEqual(Object.keys(accepted).sort(), declaredKeys('Accepted'));
    const job = await client.waitForJob(accepted.jobId, { pollIntervalMs: 20 });
    // `error` is optional and absent on a completed job.
    assert.deepEqual(Object.keys(job).sort(), declaredKeys('Job').filter((k) => k !== 'error'));
  } finally {
    fake.stop();
  }
});

test('a strict TypeScript consumer compiles against the declarations (lib es2022 + dom, skipLibCheck false)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hh-tsc-'));
  const file = path.join(dir, 'consumer.ts');
  const entry = path.join(root, 'pkg', 'happyhorse.js').replaceAll('\\', '/');
  writeFileSync(file, `
import init, { validate, estimateCost, buildRequest, Client, HappyHorseError, type Report, type Job } from '${entry}';
export async function run(): Promise<number> {
  await init();
  const r: Report = validate({ prompt: 'a horse' });
  const c = new Client({ baseUrl: '/api/apiframe' });
  const job: Job = await c.generate({ prompt: 'x', happyhorse11Params: { duration: 10 } });
  try { buildRequest({ prompt: '' }); } catch (e) { if (e instanceof HappyHorseError) return e.issues?.length ?? 0; }
  c.free();
  return estimateCost({ prompt: 'x' }).credits + (r.ok ? 1 : 0) + job.videoUrls.length;
}
`);
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [tsc, '--noEmit', '--strict', '--skipLibCheck', 'false', '--lib', 'es2022,dom', '--target', 'es2022', '--module', 'es2022', '--moduleResolution', 'bundler', '--allowJs', 'false', file];
  const out = spawnSync(process.execPath, args, { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stdout + out.stderr);
});

test('IssueCode is a union a strict switch checks: an exhaustive switch compiles, a misspelt code does not', () => {
  const dts = readFileSync(path.join(root, 'pkg', 'happyhorse.d.ts'), 'utf8');
  const union = dts.slice(dts.indexOf('export type IssueCode ='));
  const codes = [...union.slice(0, union.indexOf(';')).matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]);
  assert.ok(codes.length > 30, codes.join(' '));
  const entry = path.join(root, 'pkg', 'happyhorse.js').replaceAll('\\', '/');
  const compile = (body) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hh-codes-'));
    const file = path.join(dir, 'codes.ts');
    writeFileSync(file, `import { validate, type IssueCode } from '${entry}';\n${body}\n`);
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    return spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', 'false', '--lib', 'es2022,dom', '--target', 'es2022', '--module', 'es2022', '--moduleResolution', 'bundler', file], { encoding: 'utf8' });
  };
  const cases = codes.map((c) => `    case '${c}': return 1;`).join('\n');
  const exhaustive = compile(`export function level(code: IssueCode): number {\n  switch (code) {\n${cases}\n    default: { const unreachable: never = code; return unreachable; }\n  }\n}\nexport const first: IssueCode | undefined = validate({}).errors[0]?.code;`);
  assert.equal(exhaustive.status, 0, exhaustive.stdout + exhaustive.stderr);
  const misspelt = compile(`export function isMissing(code: IssueCode): boolean {\n  switch (code) {\n    case 'NO_SUCH_CODE': return true;\n    default: return false;\n  }\n}`);
  assert.notEqual(misspelt.status, 0, 'a code that does not exist compiled');
  assert.match(misspelt.stdout + misspelt.stderr, /NO_SUCH_CODE/);
  const partial = compile(`export function level(code: IssueCode): number {\n  switch (code) {\n    case 'TOO_MANY_IMAGES': return 1;\n    default: { const unreachable: never = code; return unreachable; }\n  }\n}`);
  assert.notEqual(partial.status, 0, 'a switch missing codes passed the never check');
});

test("the shipped README's TypeScript quick start compiles as written (strict)", () => {
  const readme = readFileSync(path.join(root, 'npm', 'README.md'), 'utf8');
  const quick = readme.slice(readme.indexOf('## Quick start'));
  const code = quick.slice(quick.indexOf('```ts\n') + 6, quick.indexOf('\n```', quick.indexOf('```ts\n')));
  assert.match(code, /from 'happyhorse'/);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hh-quick-'));
  const file = path.join(dir, 'quick.ts');
  const entry = path.join(root, 'pkg', 'happyhorse.js').replaceAll('\\', '/');
  // The page's own <video>, which the snippet assumes.
  writeFileSync(file, `declare const video: HTMLVideoElement;\n${code.replace("from 'happyhorse'", `from '${entry}'`)}\nexport {};\n`);
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const out = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', 'false', '--lib', 'es2022,dom', '--target', 'es2022', '--module', 'es2022', '--moduleResolution', 'bundler', file], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stdout + out.stderr);
});
