// Size: our release build (--target web) raw and gzip -9, and the peers'
// clients bundled and minified by esbuild for the browser, gzip -9.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { build } from 'esbuild';

const gz = (buf) => gzipSync(buf, { level: 9 }).length;

export async function measureSize(root) {
  const wasm = readFileSync(path.join(root, 'pkg', 'happyhorse_bg.wasm'));
  const glue = readFileSync(path.join(root, 'pkg', 'happyhorse.js'));
  const snippet = readFileSync(path.join(root, 'src', 'wasm', 'error.js'));
  const ours = {
    wasmRaw: wasm.length, wasmGz: gz(wasm),
    jsRaw: glue.length + snippet.length, jsGz: gz(glue) + gz(snippet),
  };
  ours.totalGz = ours.wasmGz + ours.jsGz;
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
