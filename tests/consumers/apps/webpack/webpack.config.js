// The README's webpack 5 recipe: "nothing to configure"; only the entry
// and output a project names anyway.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  entry: './src/main.js',
  output: { path: path.join(path.dirname(fileURLToPath(import.meta.url)), 'dist'), filename: 'main.js' },
};
