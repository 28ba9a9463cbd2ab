// The Rollup 4 recipe: node-resolve finds the package (its "exports"
// default, the page build), and importMetaAssets emits the .wasm its glue
// loads with `new URL('happyhorse_bg.wasm', import.meta.url)`; without it
// no .wasm is emitted and `init()` 404s. Rollup does not follow
// `new Worker(new URL('./worker.js', import.meta.url))`, so the worker is an
// entry of its own, and the plugin is kept off the app's sources (it would
// copy src/worker.js unbundled, as an asset, in place of the built entry).
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { importMetaAssets } from '@web/rollup-plugin-import-meta-assets';

export default {
  input: ['src/main.js', 'src/worker.js'],
  output: { dir: 'dist', format: 'es' },
  plugins: [nodeResolve(), importMetaAssets({ exclude: 'src/**' })],
};
