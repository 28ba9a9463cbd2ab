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
// 4. Two builds, chosen by where the code runs: the page build stays at the
//    package's root (`happyhorse`); the server build (the `server` feature:
//    createProxy, verifyWebhook) is copied into <web-pkg>/server/
//    (`happyhorse/server`), and its nodejs glue into <web-pkg>/node/. The
//    "exports" map sends Node to node/ for both entries (so Node code that
//    imports the server half from `happyhorse` keeps working), and every
//    other runtime to the page build or server/ by entry.
// 5. Ships each .wasm once: the server build's web and nodejs glue load the
//    same bytes (checked here; the build fails if they ever differ), so
//    node/happyhorse.js reads ../server/happyhorse_bg.wasm instead of a
//    copy of its own.
// 6. Isomorphic init: the Node entry is ready once loaded, but code written
//    for the web build calls `await init()` / `initSync()` first. The Node
//    entry gets both (resolving at once), as CommonJS (node/happyhorse.js)
//    and as an ES module (node/happyhorse.mjs, so `import init from
//    'happyhorse'` is the function, not the CommonJS exports object), each
//    with its declarations (.d.ts / .d.mts). The ES module loads the
//    CommonJS one with `createRequire`, not `import cjs from`: Vite's
//    interop (Vitest with `server.deps.inline`) hands a default import of
//    CommonJS its `exports.default`, which is `init`, so every export came
//    back `undefined`.
// 7. Package metadata wasm-pack does not write: engines, homepage, bugs,
//    the user-facing README (npm/README.md), CHANGELOG.md and the licenses.
// Idempotent: running it twice changes nothing.
//
// usage: node scripts/finish-pkg.mjs <web-pkg-dir> [<server-web-pkg-dir> <server-nodejs-pkg-dir>]
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

/** Names the nodejs glue exports (`exports.X = …`). */
function commonJsExports(js) {
  return [...js.matchAll(/^exports\.(\w+) = /gm)].map((m) => m[1]);
}

/** The web declarations of init/initSync and their types, for the Node entry. */
function initDeclarations(webDts) {
  const at = webDts.indexOf('export type InitInput');
  if (at < 0) throw new Error('happyhorse.d.ts: the init declarations were not found; did wasm-bindgen change its output?');
  return webDts.slice(at).replace('export default function __wbg_init', 'export default function init');
}

function nodeEntry(serverDir, nodeDir) {
  const marker = '// happyhorse: isomorphic init';
  const glue = path.join(nodeDir, 'happyhorse.js');
  let js = readFileSync(glue, 'utf8');
  // One .wasm per build: read the server build's copy, which must be the same bytes.
  const own = path.join(nodeDir, 'happyhorse_bg.wasm');
  const shared = path.join(serverDir, 'happyhorse_bg.wasm');
  if (!readFileSync(own).equals(readFileSync(shared))) throw new Error('the server build\'s web and nodejs glue came with different .wasm files: cannot ship one');
  rmSync(own);
  const from = 'const wasmPath = `${__dirname}/happyhorse_bg.wasm`;';
  const to = 'const wasmPath = `${__dirname}/../server/happyhorse_bg.wasm`;';
  if (js.includes(from)) js = js.replace(from, to);
  else if (!js.includes(to)) throw new Error(`${glue}: the wasm path was not found; did wasm-bindgen change its output?`);
  if (!js.includes(marker)) {
    js += `\n${marker}: the module is ready once loaded; these let code written for\n// the web build (\`await init()\`) run unchanged in Node.\nfunction initSync() { return wasm; }\nasync function init() { return wasm; }\nexports.initSync = initSync;\nexports.default = init;\n`;
  }
  writeFileSync(glue, js);
  const names = commonJsExports(js).filter((n) => n !== 'default');
  writeFileSync(
    path.join(nodeDir, 'happyhorse.mjs'),
    `// The Node entry as an ES module: the CommonJS build's exports, with \`init\`\n// as the default export (as in the web build). Loaded with createRequire, not\n// \`import cjs from\`, which Vite's interop answers with \`exports.default\`.\nimport { createRequire } from 'node:module';\n\nconst cjs = createRequire(import.meta.url)('./happyhorse.js');\nexport const { ${names.join(', ')} } = cjs;\nexport default cjs.default;\n`,
  );
  const webDts = readFileSync(path.join(serverDir, 'happyhorse.d.ts'), 'utf8');
  const dtsPath = path.join(nodeDir, 'happyhorse.d.ts');
  let dts = readFileSync(dtsPath, 'utf8');
  if (!dts.includes('export function initSync')) dts += `\n${initDeclarations(webDts)}`;
  writeFileSync(dtsPath, dts);
  writeFileSync(path.join(nodeDir, 'happyhorse.d.mts'), dts);
}

function metadata(webDir) {
  const manifestPath = path.join(webDir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const repo = (manifest.repository?.url ?? 'https://github.com/happyhorse/happyhorse').replace(/^git\+/, '').replace(/\.git$/, '');
  // The form npm itself writes (npm publish would otherwise "correct" it).
  manifest.repository = { type: 'git', url: `git+${repo}.git` };
  manifest.homepage ??= `${repo}#readme`;
  manifest.bugs ??= { url: `${repo}/issues` };
  manifest.engines = { node: '>=18' };
  const node = {
    import: { types: './node/happyhorse.d.mts', default: './node/happyhorse.mjs' },
    require: { types: './node/happyhorse.d.ts', default: './node/happyhorse.js' },
  };
  manifest.exports = {
    '.': { node, types: './happyhorse.d.ts', default: './happyhorse.js' },
    './server': { node, types: './server/happyhorse.d.ts', default: './server/happyhorse.js' },
    './happyhorse_bg.wasm': './happyhorse_bg.wasm',
    './server/happyhorse_bg.wasm': './server/happyhorse_bg.wasm',
    './package.json': './package.json',
  };
  const extra = ['README.md', 'CHANGELOG.md', 'LICENSE-MIT', 'LICENSE-APACHE'];
  for (const file of extra) {
    const source = file === 'README.md' ? path.join(path.dirname(webDir), 'npm', 'README.md') : path.join(path.dirname(webDir), file);
    cpSync(source, path.join(webDir, file));
  }
  manifest.files = [...new Set([...(manifest.files ?? []), 'node', 'server', 'snippets', ...extra])];
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
}

const [web, server, node] = process.argv.slice(2);
if (!web || (server && !node)) throw new Error('usage: node scripts/finish-pkg.mjs <web-pkg-dir> [<server-web-pkg-dir> <server-nodejs-pkg-dir>]');
const ownFiles = (src) => !/(package\.json|README\.md|LICENSE.*|\.gitignore|_bg\.wasm\.d\.ts)$/.test(src);
reexportError(web);
dropSymbolDispose(web);
if (server) {
  reexportError(server);
  dropSymbolDispose(server);
  const serverTarget = path.join(web, 'server');
  rmSync(serverTarget, { recursive: true, force: true });
  cpSync(server, serverTarget, { recursive: true, filter: ownFiles });
  reexportError(node);
  dropSymbolDispose(node);
  snippetsToCommonJs(node);
  const target = path.join(web, 'node');
  rmSync(target, { recursive: true, force: true });
  cpSync(node, target, { recursive: true, filter: ownFiles });
  // The web package is "type": "module"; the nodejs build is CommonJS.
  writeFileSync(path.join(target, 'package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');
  nodeEntry(serverTarget, target);
  metadata(web);
}
