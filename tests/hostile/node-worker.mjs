// A worker thread holding one instance of the nodejs build (pkg-node/) and
// running hostile cases on request, so node.test.mjs can stop it when a case
// hangs. Messages in: { id, op: 'case', name } | { id, op: 'barrage', calls }
// | { id, op: 'memory', bodies: 'plain' | 'hostile', warmup, calls }.
// Out: { ready, memory, baselineError? } once, then { id, ...result }.
import { parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { runCase, answers, barrage, memoryRun, hostileBodies, MEMORY_BODIES } from './cases.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

// The wasm memory. The nodejs glue keeps its instance private; until the
// package exports `__wasmMemory()`, catch the instance as the glue makes it.
let caught = null;
const Instance = WebAssembly.Instance;
WebAssembly.Instance = new Proxy(Instance, {
  construct(target, args, newTarget) {
    const instance = Reflect.construct(target, args, newTarget);
    caught ??= instance.exports.memory ?? null;
    return instance;
  },
});
let pkg;
try {
  pkg = require(path.join(root, 'pkg-node', 'happyhorse.js'));
} finally {
  WebAssembly.Instance = Instance;
}
let memory = null;
let memorySource = 'none';
if (typeof pkg.__wasmMemory === 'function') {
  memory = pkg.__wasmMemory();
  memorySource = '__wasmMemory()';
} else if (caught instanceof WebAssembly.Memory) {
  memory = caught;
  memorySource = 'the WebAssembly.Instance the glue created (stopgap: the package exports no __wasmMemory())';
}

const env = { baseUrl: workerData.baseUrl };
// Answers of this fresh instance, before any hostile input.
let baseline = null;
let baselineError = null;
try {
  baseline = await answers(pkg, env);
} catch (e) {
  baselineError = String(e?.stack ?? e);
}

parentPort.on('message', async (m) => {
  let result;
  if (m.op === 'case') {
    result = await runCase(pkg, env, m.name);
  } else if (m.op === 'barrage') {
    result = baseline ? { baseline, ...(await barrage(pkg, env, baseline, { calls: m.calls })) } : { baselineError };
  } else if (m.op === 'memory') {
    const bodies = m.bodies === 'hostile' ? hostileBodies() : MEMORY_BODIES;
    result = memory ? memoryRun(pkg, memory, { bodies, warmup: m.warmup, calls: m.calls }) : { noMemory: true };
  }
  parentPort.postMessage({ id: m.id, ...result });
});
parentPort.postMessage({ ready: true, memorySource, baselineError });
