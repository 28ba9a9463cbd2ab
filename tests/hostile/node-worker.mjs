// A worker thread holding one instance of the nodejs build (a copy of
// pkg-node/, loaded with its wasm memory by tests/node/wasm-memory.mjs) and
// running hostile cases on request, so node.test.mjs can stop it when a case
// hangs. Messages in: { id, op: 'case', name } | { id, op: 'barrage', calls }
// | { id, op: 'memory', bodies: 'plain' | 'hostile', warmup, calls }.
// Out: { ready, baselineError? } once (a worker that cannot reach its wasm
// memory fails to start), then { id, ...result }.
import { parentPort, workerData } from 'node:worker_threads';
import { runCase, answers, barrage, memoryRun, hostileBodies, MEMORY_BODIES } from './cases.mjs';
import { loadWithMemory } from '../node/wasm-memory.mjs';

// The package and its wasm memory (see tests/node/wasm-memory.mjs).
const { pkg, memory } = loadWithMemory();

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
    result = memoryRun(pkg, memory, { bodies, warmup: m.warmup, calls: m.calls });
  }
  parentPort.postMessage({ id: m.id, ...result });
});
parentPort.postMessage({ ready: true, baselineError });
