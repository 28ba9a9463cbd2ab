// Size: our release build (--target web: the .wasm, the JS glue and its
// snippets) raw and gzip -9, and the peers' clients bundled and minified by
// esbuild for the browser, gzip -9. Sizes in bytes.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';

const gz = (buf) => gzipSync(buf, { level: 9 }).length;

/**
 * Sizes of one wasm-pack `--target web` output folder, in bytes: the .wasm,
 * and the JS a page loads with it (the glue and every snippet it imports:
 * the `#[wasm_bindgen(module = ...)]` files wasm-bindgen copies into
 * snippets/), each served and gzipped as its own file. Snippets are taken
 * from the glue's imports, not the folder, which may hold leftovers.
 * Also used by bench/size-variants, so both count the same files.
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

export async function measureSize(root) {
  const { build } = await import('esbuild');
  const ours = builtSize(path.join(root, 'pkg'));
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
  return { ours, peers: peerSizes };
}
