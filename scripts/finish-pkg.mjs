// Finishes the wasm-pack output folders.
//
// 1. Re-exports `HappyHorseError` from each build.
// The class is defined in src/wasm/error.js (a wasm-bindgen snippet) because
// a Rust struct cannot extend `Error`. wasm-bindgen imports it into the glue
// but has no way to re-export an imported class, so this adds the one line
// that does, for the ESM targets (web, bundler) and the CommonJS one (nodejs).
// 2. Rewrites the nodejs build's snippets (src/wasm/*.js, written as ES
//    modules) into CommonJS: wasm-bindgen's nodejs glue `require`s them,
//    and only Node 20.19+/22.12+ can require an ES module. Our snippets are
//    plain `export function`/`export class` declarations, which is all this
//    rewrite handles (it refuses anything else).
// 3. Drops `[Symbol.dispose](): void;` from the declarations. wasm-bindgen
//    declares it on every exported class, but `Symbol.dispose` exists only
//    in TypeScript's esnext/`es2025` libs, so a strict consumer on
//    `lib: ["es2022", "dom"]` with `skipLibCheck: false` fails to compile.
//    The method itself stays in the JS (set only where `Symbol.dispose`
//    exists); `free()` remains declared and does the same.
// 4. Copies the nodejs build into <web-pkg>/node/ and adds an "exports" map
//    to the package, so `import`/`require('happyhorse')` picks the nodejs
//    build under Node and the web build everywhere else.
// Idempotent: running it twice changes nothing.
//
// usage: node scripts/finish-pkg.mjs <web-pkg-dir> [<nodejs-pkg-dir>]
import { cpSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';

function reexportError(dir) {
  const glue = path.join(dir, 'happyhorse.js');
  let js = readFileSync(glue, 'utf8');
  const marker = '// happyhorse: re-export of the error class';
  if (js.includes(marker)) return;
  if (/^import \{ HappyHorseError \} from /m.test(js)) {
    js += `\n${marker}\nexport { HappyHorseError };\n`;
  } else if (/^const \{ HappyHorseError \} = require\(/m.test(js)) {
    js += `\n${marker}\nexports.HappyHorseError = HappyHorseError;\n`;
  } else {
    throw new Error(`${glue}: the HappyHorseError import was not found; did wasm-bindgen change its output?`);
  }
  writeFileSync(glue, js);
}

function dropSymbolDispose(dir) {
  const dts = path.join(dir, 'happyhorse.d.ts');
  const text = readFileSync(dts, 'utf8');
  const kept = text.replace(/^\s*\[Symbol\.dispose\]\(\): void;\n/gm, '');
  if (kept !== text) writeFileSync(dts, kept);
}

function snippetsToCommonJs(dir) {
  const root = path.join(dir, 'snippets');
  const files = readdirSync(root, { recursive: true }).map((f) => path.join(root, String(f))).filter((f) => f.endsWith('.js'));
  for (const file of files) {
    let js = readFileSync(file, 'utf8');
    if (js.includes('module.exports')) continue; // already rewritten
    if (/^\s*(import|export\s+(default|\{|\*|const|let|var))/m.test(js)) {
      throw new Error(`${file}: only "export function" and "export class" declarations can be rewritten to CommonJS`);
    }
    const names = [...js.matchAll(/^export (?:async )?(?:function|class) (\w+)/gm)].map((m) => m[1]);
    js = js.replace(/^export (?=(?:async )?(?:function|class) )/gm, '');
    js += `\nmodule.exports = { ${names.join(', ')} };\n`;
    writeFileSync(file, js);
  }
}

const [web, node] = process.argv.slice(2);
if (!web) throw new Error('usage: node scripts/finish-pkg.mjs <web-pkg-dir> [<nodejs-pkg-dir>]');
reexportError(web);
dropSymbolDispose(web);
if (node) {
  reexportError(node);
  dropSymbolDispose(node);
  snippetsToCommonJs(node);
  const target = path.join(web, 'node');
  rmSync(target, { recursive: true, force: true });
  cpSync(node, target, { recursive: true, filter: (src) => !/(package\.json|README\.md|LICENSE.*|\.gitignore)$/.test(src) });
  // The web package is "type": "module"; the nodejs build is CommonJS.
  writeFileSync(path.join(target, 'package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');
  const manifestPath = path.join(web, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  manifest.exports = {
    '.': {
      node: { types: './node/happyhorse.d.ts', default: './node/happyhorse.js' },
      types: './happyhorse.d.ts',
      default: './happyhorse.js',
    },
    './happyhorse_bg.wasm': './happyhorse_bg.wasm',
    './package.json': './package.json',
  };
  manifest.files = [...new Set([...(manifest.files ?? []), 'node', 'snippets'])];
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
}
