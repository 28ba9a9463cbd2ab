// The recipe without importMetaAssets, the test's proof that the plugin is
// what makes it work: the build succeeds, but no .wasm is emitted.
import config from './rollup.config.js';

export default {
  ...config,
  output: { ...config.output, dir: 'dist-bare' },
  plugins: config.plugins.filter((p) => p.name !== 'rollup-plugin-import-meta-assets'),
};
