// The nodejs build (pkg-node/) together with its wasm memory and externref
// table, for the tests that check neither grows (tests/node/webhook-bounds,
// tests/hostile's Node worker, tests/hostile-io's leaks and proxy tests).
//
// The package ships no test hooks (tests/node/package.test.mjs checks), and
// the nodejs glue keeps its WebAssembly.Instance to itself. So this copies
// pkg-node to a temp dir (a module graph of its own, hence an instance of its
// own, in whichever process or worker calls it; pkg-node is untouched) and
// requires the copy's glue, unmodified, while `WebAssembly.Instance` is
// wrapped to catch the one instance the glue creates. The copy is deleted
// once loaded: the glue reads its .wasm and snippets only while loading.
// In a page there is no need for this: the web build's `await init()`
// resolves to the instance's exports, `memory` among them.
import { mkdtempSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const pkgNode = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'pkg-node');
const require = createRequire(import.meta.url);

/**
 * A fresh instance of the nodejs build: `pkg` (its exports, as `require`
 * gives them), `memory` (its `WebAssembly.Memory`) and `table` (its externref
 * table, `WebAssembly.Table`). Throws if either cannot be reached.
 */
export function loadWithMemory() {
  const dir = mkdtempSync(path.join(tmpdir(), 'hh-memory-'));
  const made = [];
  const Instance = WebAssembly.Instance;
  let pkg;
  try {
    cpSync(pkgNode, dir, { recursive: true });
    WebAssembly.Instance = new Proxy(Instance, {
      construct(target, args, newTarget) {
        const instance = Reflect.construct(target, args, newTarget);
        made.push(instance);
        return instance;
      },
    });
    pkg = require(path.join(dir, 'happyhorse.js'));
  } finally {
    WebAssembly.Instance = Instance;
    rmSync(dir, { recursive: true, force: true });
  }
  if (made.length !== 1) throw new Error(`the nodejs glue created ${made.length} WebAssembly instances, not 1: did wasm-bindgen change how it loads the module?`);
  const { memory, __wbindgen_externrefs: table } = made[0].exports;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('the wasm instance exports no `memory`');
  if (!(table instanceof WebAssembly.Table)) throw new Error('the wasm instance exports no `__wbindgen_externrefs` table');
  return { pkg, memory, table };
}
