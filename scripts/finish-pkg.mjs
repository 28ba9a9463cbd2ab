// Finishes a wasm-pack output folder: re-exports `HappyHorseError`.
//
// The class is defined in src/wasm/error.js (a wasm-bindgen snippet) because
// a Rust struct cannot extend `Error`. wasm-bindgen imports it into the glue
// but has no way to re-export an imported class, so this adds the one line
// that does, for the ESM targets (web, bundler) and the CommonJS one (nodejs).
// Idempotent: running it twice changes nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node scripts/finish-pkg.mjs <pkg-dir>');
const glue = path.join(dir, 'happyhorse.js');
let js = readFileSync(glue, 'utf8');
const marker = '// happyhorse: re-export of the error class';
if (!js.includes(marker)) {
  if (/^import \{ HappyHorseError \} from /m.test(js)) {
    js += `\n${marker}\nexport { HappyHorseError };\n`;
  } else if (/^const \{ HappyHorseError \} = require\(/m.test(js)) {
    js += `\n${marker}\nexports.HappyHorseError = HappyHorseError;\n`;
  } else {
    throw new Error(`${glue}: the HappyHorseError import was not found; did wasm-bindgen change its output?`);
  }
  writeFileSync(glue, js);
}
