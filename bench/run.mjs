// Runs the measurements and writes bench/RESULTS.md (see bench/run): size
// of the page build (against 48 KB, and the 32 KB goal), of its synchronous
// part alone (against 32 KB) and of the server build (no target), beside the
// peers; validate() against zod 4 and the crossing's floor (validateFloor,
// when its build exists); polling; and `await init()` in a Vite production
// page (the page build, served by `vite preview`).
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureSize } from './size.mjs';
import { measureValidation } from './validate-speed.mjs';
import { names } from './bodies.mjs';
import { measurePolling, pollingSection } from './polling.mjs';
import { measureInit, initSection } from './init-time.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const bytes = (n) => `${n.toLocaleString('en-US')} B`;
const sizeCell = (n) => `${bytes(n)} (${kb(n)})`;
const us = (ns) => `${(ns / 1000).toFixed(2)} µs`;
const times = (x) => `${x.toFixed(2)}×`;

// Which source was measured: the commit, and whether the crate's files had
// uncommitted changes (bench/run builds the working tree as it is, just
// before this runs).
const git = (args) => { try { return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim(); } catch { return null; } };
const commit = git(['rev-parse', '--short', 'HEAD']);
const dirty = git(['status', '--porcelain', '--', 'src', 'Cargo.toml', 'Cargo.lock']);
const source = commit ? `source ${commit}${dirty ? ' **with uncommitted changes in src/, Cargo.toml or Cargo.lock**' : ''}` : 'source: not a git checkout';
const size = await measureSize(root);
const init = await measureInit(root);
const initLoad = os.loadavg()[0]; // the 1-minute load just after the init() loads
const speed = await measureValidation(root);
const load = os.loadavg()[0]; // the 1-minute load just after the speed run: timing tails follow it
const polling = await measurePolling(root);

const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || os.cpus()[0]?.model || 'unknown';
const lines = [];
const row = (...cells) => lines.push(`| ${cells.join(' | ')} |`);
lines.push('# Benchmark results', '');
lines.push(`Run ${new Date().toISOString()} of ${source}, on ${cpu} (${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB), Node ${process.version}, Chromium ${speed.browser}, 1-minute load average ${load.toFixed(1)} just after the speed run. Produced by \`bench/run\`; machines here are shared, so compare the ratios within one run.`, '');

// 1. Size
const PAGE_TARGET = 49152, PAGE_GOAL = 32768, SYNC_TARGET = 32768;
const snippetsNote = (b) => `${b.snippets} snippet${b.snippets === 1 ? '' : 's'}`;
lines.push('## 1. Size (release builds, `--target web`, gzip -9)', '');
lines.push('Each build is its `.wasm` + the JS glue + the snippets the glue imports, each file gzipped alone (as served); `bench/size.mjs`\'s `builtSize`, which the size guard (tests/node/size-guard.test.mjs) counts with too.', '');
row('build', '`.wasm` raw', '`.wasm` gzip -9', 'JS raw', 'JS gzip -9', 'total raw', 'total gzip -9');
row('---', '---:', '---:', '---:', '---:', '---:', '---:');
const buildRow = (label, b, strong) => row(label, bytes(b.wasmRaw), bytes(b.wasmGz), `${bytes(b.jsRaw)} (glue + ${snippetsNote(b)})`, bytes(b.jsGz), sizeCell(b.totalRaw), strong ? `**${sizeCell(b.totalGz)}**` : sizeCell(b.totalGz));
if (size.sync.missing) row('synchronous part alone (the page build without the job client and `checkImage`)', `**not measured**: ${size.sync.missing}`, '', '', '', '', '');
else buildRow('synchronous part alone (the page build without the job client and `checkImage`)', size.sync, false);
buildRow('**page build** (`pkg/`, `happyhorse`: + `Client` and `checkImage`)', size.page, true);
buildRow('server build (`pkg/server/`, `happyhorse/server`: + `createProxy` and `verifyWebhook`)', size.server, false);
lines.push('');
row('package', 'raw', 'gzip -9');
row('---', '---:', '---:');
row('**happyhorse page build** (above)', sizeCell(size.page.totalRaw), `**${sizeCell(size.page.totalGz)}**`);
for (const [name, p] of Object.entries(size.peers)) row(`${name} ${p.version} (esbuild bundle, minified)`, sizeCell(p.raw), sizeCell(p.gz));
const verdict = (n, limit) => (n <= limit ? `met (${bytes(limit - n)} to spare)` : `**missed by ${sizeCell(n - limit)}**`);
const fal = size.peers['@fal-ai/client'];
lines.push('', 'Targets, `.wasm` + JS glue + snippets, gzip -9:', '');
lines.push(`- page build ≤ ${bytes(PAGE_TARGET)} (48 KB) — ${verdict(size.page.totalGz, PAGE_TARGET)}; the goal beyond it, ≤ ${bytes(PAGE_GOAL)} (32 KB) — ${verdict(size.page.totalGz, PAGE_GOAL)}${fal ? ` (fal's whole client, @fal-ai/client ${fal.version}: ${sizeCell(fal.gz)})` : ''}.`);
lines.push(`- synchronous part alone ≤ ${bytes(SYNC_TARGET)} (32 KB) — ${size.sync.missing ? '**not measured**' : verdict(size.sync.totalGz, SYNC_TARGET)}.`);
lines.push(`- server build: reported, no target (${sizeCell(size.server.totalGz)}, ${sizeCell(size.server.totalGz - size.page.totalGz)} more than the page build).`, '');
// Where the bytes go: bench/size-parts, run by bench/run just before this.
const partsFile = path.join(root, 'bench', 'out', 'size-parts.md');
if (existsSync(partsFile)) {
  lines.push('Where the bytes go (`bench/size-parts`: the page build without the job client and `checkImage`, as shipped, and with the `server` feature, each built from the same source in a scratch tree; bytes gzip -9):', '', readFileSync(partsFile, 'utf8').trim(), '');
} else {
  lines.push('Where the bytes go: **not measured** (bench/size-parts did not run; see bench/out/size-parts.log).', '');
}

// 2. Speed
const zodPkg = JSON.parse(readFileSync(path.join(root, 'bench/node_modules/zod/package.json'), 'utf8')).version;
const zodNote = speed.zodVersion === null
  ? `**the bundled \`z\` has no \`z.core.version\`: not zod 4** (bench/node_modules/zod is ${zodPkg})`
  : speed.zodVersion.split('.')[0] !== '4'
    ? `**zod ${speed.zodVersion}, not zod 4**`
    : `zod ${speed.zodVersion}, read from the bundled \`z.core.version\`${speed.zodVersion === zodPkg ? '' : ` (**bench/node_modules/zod says ${zodPkg}**)`}`;
const sameVerdicts = speed.verdicts.every(([a, b]) => a === b);
lines.push('## 2. Validation speed (headless Chromium, ns per call incl. the JS↔wasm crossing)', '');
lines.push(`${speed.bodies} bodies (the contract's 4 examples, a 9-image reference body with a webhook, a 2,400-character text-to-video prompt, 3 invalid ones), one page, the validators timed in ${speed.rounds} interleaved rounds (order rotating). Two sample sizes, each the mean ns per call of a batch on one body, batches rotating through the bodies: **long** — ${speed.batches} batches of ${speed.batch} calls (steady state); **40-call** — ${speed.shortBatches} batches of ${speed.shortBatch} calls (pauses and slow bodies show in p99). Page timer step ${speed.timerResolutionUs.toFixed(1)} µs (cross-origin isolated: ${speed.isolated}), so a 40-call sample moves in steps of ${Math.round((speed.timerResolutionUs * 1000) / speed.shortBatch)} ns per call.`, '');
lines.push(`The zod schema (${zodNote}) checks what zod can express of the same rules; both give the same verdicts on every body: ${sameVerdicts ? 'true' : `**false** (${speed.verdicts.map(([a, b], i) => (a === b ? null : `#${i}: ours ${a}, zod ${b}`)).filter(Boolean).join('; ')})`}.`, '');
if (speed.floor) {
  lines.push('`validateFloor()` is the `bench-floor` build (bench/out/floor): it reads the same fields as `validate()` and returns a clean report without checking anything — the cost of the crossing alone.', '');
} else {
  lines.push(`**\`validateFloor()\`: not measured** — ${speed.floorStatus}.`, '');
}
const z50 = speed.zod.p50, z50s = speed.zod.short.p50;
row('validator', 'p50', 'p99', 'mean', 'p50 ÷ zod p50', '40-call p50', '40-call p99', '40-call p50 ÷ zod');
row('---', '---:', '---:', '---:', '---:', '---:', '---:', '---:');
const speedRow = (label, r) => row(label, us(r.p50), us(r.p99), us(r.mean), times(r.p50 / z50), us(r.short.p50), us(r.short.p99), times(r.short.p50 / z50s));
speedRow('**happyhorse `validate()`**', speed.ours);
if (speed.floor) speedRow('happyhorse `validateFloor()` (floor)', speed.floor);
else row('happyhorse `validateFloor()` (floor)', 'not measured', '', '', '', '', '', '');
speedRow('zod `safeParse()`', speed.zod);
lines.push('');
const ns = (x) => Math.round(x).toLocaleString('en-US');
row('body (ns per call)', 'ours p50', 'floor p50', 'zod p50', 'ours ÷ zod', 'ours 40-call p99', 'floor 40-call p99', 'zod 40-call p99');
row('---', '---:', '---:', '---:', '---:', '---:', '---:', '---:');
speed.ours.perBody.forEach((o, i) => row(
  `#${i} ${names[i] ?? ''}`, ns(o), speed.floor ? ns(speed.floor.perBody[i]) : '—', ns(speed.zod.perBody[i]), times(o / speed.zod.perBody[i]),
  ns(speed.ours.short.perBodyP99[i]), speed.floor ? ns(speed.floor.short.perBodyP99[i]) : '—', ns(speed.zod.short.perBodyP99[i]),
));
lines.push('', `p50 columns: median of the long batches on that body; p99 columns: of its 40-call batches. 40-call samples averaging ≥ 50 µs per call: ours ${speed.ours.short.over50us}${speed.floor ? `, floor ${speed.floor.short.over50us}` : ''}, zod ${speed.zod.short.over50us} of ${speed.shortBatches} each.`);
const ratio = speed.ours.p50 / z50;
lines.push('', `Targets: \`validate()\` p50 ≤ 3× zod's — ${ratio <= 3 ? 'met' : '**missed**'} (${times(ratio)} on long batches, ${times(speed.ours.short.p50 / z50s)} on 40-call ones); p99 of 40-call samples < 50 µs — ${speed.ours.short.p99 < 50000 ? 'met' : '**missed**'} (${us(speed.ours.short.p99)}).`);
if (speed.floor) {
  const f = speed.floor.p50 / z50;
  lines.push('', `The floor: \`validateFloor()\`'s p50 is ${(100 * speed.floor.p50 / speed.ours.p50).toFixed(0)}% of \`validate()\`'s (${us(speed.ours.p50 - speed.floor.p50)} less) and ${times(f)} zod's.${f > 3 ? ' The crossing alone is over the 3× target: faster checks cannot meet it without a cheaper crossing.' : ''}`);
}
lines.push('');

// 3. Polling, per progress curve (the table and verdicts: bench/polling.mjs)
lines.push(...pollingSection(polling));

// 4. init() in a Vite production page (the section: bench/init-time.mjs)
lines.push(...initSection(init, initLoad));

const md = lines.join('\n');
writeFileSync(path.join(root, 'bench', 'RESULTS.md'), md + '\n');
console.log(md);
