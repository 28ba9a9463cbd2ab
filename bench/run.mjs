// Runs the three measurements and writes bench/RESULTS.md (see bench/run).
import { writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureSize } from './size.mjs';
import { measureValidation } from './validate-speed.mjs';
import { measurePolling } from './polling.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const us = (ns) => `${(ns / 1000).toFixed(2)} µs`;
const s1 = (x) => `${x.toFixed(1)} s`;

const size = await measureSize(root);
const speed = await measureValidation(root);
const polling = await measurePolling(root);

const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || os.cpus()[0]?.model || 'unknown';
const lines = [];
const row = (...cells) => lines.push(`| ${cells.join(' | ')} |`);
lines.push('# Benchmark results', '');
lines.push(`Run ${new Date().toISOString()} on ${cpu} (${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB), Node ${process.version}, Chromium ${speed.browser}. Produced by \`bench/run\`; machines here are shared, so compare the ratios within one run.`, '');

lines.push('## 1. Size (release build, `--target web`, gzip -9)', '');
row('package', 'raw', 'gzip -9');
row('---', '---:', '---:');
row('**happyhorse** `.wasm`', kb(size.ours.wasmRaw), kb(size.ours.wasmGz));
row('**happyhorse** JS glue (+ error class)', kb(size.ours.jsRaw), kb(size.ours.jsGz));
row('**happyhorse total**', kb(size.ours.wasmRaw + size.ours.jsRaw), `**${kb(size.ours.totalGz)}**`);
for (const [name, p] of Object.entries(size.peers)) row(`${name} ${p.version} (esbuild bundle, minified)`, kb(p.raw), kb(p.gz));
lines.push('', `Target: ≤ 24 KB gzipped — ${size.ours.totalGz <= 24 * 1024 ? 'met' : `**missed by ${kb(size.ours.totalGz - 24 * 1024)}**`}.`, '');

lines.push('## 2. Validation speed (headless Chromium, ns per call incl. the JS↔wasm crossing)', '');
lines.push(`${speed.bodies} bodies (the contract's examples, a 9-image reference body with a webhook, 3 invalid ones); each sample is the mean of a batch of ${speed.batch} calls on one body, ${speed.batches} batches rotating through the bodies. The zod schema (zod ${JSON.parse(readFileSync(path.join(root, 'bench/node_modules/zod/package.json'), 'utf8')).version}) checks what zod can express of the same rules; both give the same verdicts on every body: ${speed.verdicts.every(([a, b]) => a === b)}.`, '');
row('validator', 'p50', 'p99', 'mean');
row('---', '---:', '---:', '---:');
row('**happyhorse `validate()`**', us(speed.ours.p50), us(speed.ours.p99), us(speed.ours.mean));
row('zod `safeParse()`', us(speed.zod.p50), us(speed.zod.p99), us(speed.zod.mean));
lines.push('', `Per body (median ns per call, ours / zod): ${speed.ours.perBody.map((o, i) => `#${i} ${Math.round(o)} / ${Math.round(speed.zod.perBody[i])}`).join(', ')}.`, '');
lines.push(`Targets: p50 no slower than zod's — ${speed.ours.p50 <= speed.zod.p50 ? 'met' : `**missed (${(speed.ours.p50 / speed.zod.p50).toFixed(2)}× zod)**`}; p99 under 50 µs — ${speed.ours.p99 < 50000 ? 'met' : '**missed**'}.`, '');

lines.push(`## 3. Polling cost (fake API, ${polling.jobs} jobs of ${polling.seconds.min}–${polling.seconds.max} s, mean ${polling.seconds.mean.toFixed(0)} s, clock ×${polling.scale})`, '');
lines.push('Requests are the GETs the fake logged per job (the submit adds one); lag is, by the fake\'s own clock, the time from the job finishing to the poll that saw it finished.', '');
row('schedule', 'progress reported', 'requests/job (mean)', 'p95', 'lag p50', 'lag p95');
row('---', '---', '---:', '---:', '---:', '---:');
for (const r of polling.results) row(r.strategy.startsWith('happyhorse') ? `**${r.strategy}**` : r.strategy, r.progress ? 'yes (±3 noise)' : 'no', r.requestsMean.toFixed(1), r.requestsP95, s1(r.lagP50), s1(r.lagP95));
const ours = (p) => polling.results.find((r) => r.progress === p && r.strategy.startsWith('happyhorse'));
const sdk = (p) => polling.results.find((r) => r.progress === p && r.strategy.includes('SDK'));
lines.push('', `Targets: with progress ≤ 15 requests/job and p95 lag ≤ 5 s — ${ours(true).requestsMean <= 15 && ours(true).lagP95 <= 5 ? 'met' : '**missed**'}; without progress no more requests than the SDK's schedule at no worse lag — ${ours(false).requestsMean <= sdk(false).requestsMean && ours(false).lagP95 <= sdk(false).lagP95 ? 'met' : '**missed**'}.`, '');

const md = lines.join('\n');
writeFileSync(path.join(root, 'bench', 'RESULTS.md'), md + '\n');
console.log(md);
