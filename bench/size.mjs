// Size, raw and gzip -9, in bytes, of our three release builds (each the
// .wasm, the JS glue and its snippets, as `builtSize` counts them):
//   - the page build, pkg/ (`happyhorse`; scripts/build.sh);
//   - the synchronous part alone: the page build without the job client and
//     checkImage, bench/out/parts/sync (built by `bench/size-parts --keep
//     bench/out/parts`, which bench/run runs; reported as missing when that
//     build is absent or older than pkg/);
//   - the server build, pkg/server/ (`happyhorse/server`; scripts/build.sh);
// and the peers' clients bundled and minified by esbuild for the browser.
// `builtSize` is also what tests/node/size-guard.test.mjs holds the page
// build to, so the guard and the report count the same bytes.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';

const gz = (buf) => gzipSync(buf, { level: 9 }).length;

/**
 * Sizes of one wasm-pack `--target web` output folder, in bytes: the .wasm,
 * and the JS a page loads with it (the glue and every snippet it imports:
 * the `#[wasm_bindgen(module = ...)]` files wasm-bindgen copies into
 * snippets/), each served and gzipped as its own file. Snippets are taken
 * from the glue's imports, not the folder, which may hold leftovers.
 * Also used by bench/size-variants, bench/size-parts and the size guard
 * (tests/node/size-guard.test.mjs), so all of them count the same files.
 */
export function builtSize(dir) {
  const wasm = readFileSync(path.join(dir, 'happyhorse_bg.wasm'));
  const glue = readFileSync(path.join(dir, 'happyhorse.js'));
  const snippets = [...new Set([...String(glue).matchAll(/^import [^;]*? from ['"](\.\/snippets\/[^'"]+)['"]/gm)].map((m) => m[1]))].sort();
  const js = [glue, ...snippets.map((f) => readFileSync(path.join(dir, f)))];
  const s = {
    wasmRaw: wasm.length, wasmGz: gz(wasm),
    jsRaw: js.reduce((n, b) => n + b.length, 0), jsGz: js.reduce((n, b) => n + gz(b), 0),
    snippets: snippets.length,
  };
  s.totalRaw = s.wasmRaw + s.jsRaw;
  s.totalGz = s.wasmGz + s.jsGz;
  return s;
}

/**
 * The synchronous part's build (bench/out/parts/sync): its sizes, or
 * { missing: why } when there is none or it is older than pkg/ (a build of
 * other source).
 */
function syncSize(root) {
  const dir = path.join(root, 'bench', 'out', 'parts', 'sync');
  const wasm = path.join(dir, 'happyhorse_bg.wasm');
  if (!existsSync(wasm)) return { missing: 'no build in bench/out/parts/sync (bench/run builds it with `bench/size-parts --keep bench/out/parts`; see bench/out/size-parts.log)' };
  if (statSync(wasm).mtimeMs < statSync(path.join(root, 'pkg', 'happyhorse_bg.wasm')).mtimeMs) {
    return { missing: 'bench/out/parts/sync is older than pkg/ (a stale build of other source); rerun bench/run' };
  }
  return builtSize(dir);
}

export async function measureSize(root) {
  const { build } = await import('esbuild');
  const page = builtSize(path.join(root, 'pkg'));
  const sync = syncSize(root);
  const server = builtSize(path.join(root, 'pkg', 'server'));
  const peers = {
    '@fal-ai/client': 'import { fal } from "@fal-ai/client"; globalThis.x = fal;',
    replicate: 'import Replicate from "replicate"; globalThis.x = Replicate;',
    '@runwayml/sdk': 'import RunwayML from "@runwayml/sdk"; globalThis.x = RunwayML;',
    openai: 'import OpenAI from "openai"; globalThis.x = OpenAI;',
  };
  const peerSizes = {};
  for (const [name, contents] of Object.entries(peers)) {
    const out = await build({
      stdin: { contents, resolveDir: path.join(root, 'bench') },
      bundle: true, minify: true, write: false, format: 'esm', platform: 'browser', target: 'es2020', logLevel: 'silent',
    });
    const code = out.outputFiles[0].contents;
    const version = JSON.parse(readFileSync(path.join(root, 'bench', 'node_modules', name, 'package.json'), 'utf8')).version;
    peerSizes[name] = { version, raw: code.length, gz: gz(code) };
  }
  return { page, sync, server, peers: peerSizes };
}
