// A copy of pkg-node (the same .wasm) whose glue also exports the externref
// table, so a test can see table slots leak (wasm-bindgen's `catch` imports
// leak one per exception caught, see src/wasm/guard.js). Copied to a temp dir;
// pkg-node itself is untouched.
import { mkdtempSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export function loadInstrumented() {
  const dir = mkdtempSync(path.join(tmpdir(), 'hh-review-'));
  cpSync(path.join(here, '..', '..', 'pkg-node'), dir, { recursive: true });
  const glue = path.join(dir, 'happyhorse.js');
  writeFileSync(glue, readFileSync(glue, 'utf8') + '\nexports.__table = () => wasm.__wbindgen_externrefs;\n');
  return createRequire(import.meta.url)(glue);
}
