// The demo in proxy mode: serves the page (www/ and the built pkg/) and
// answers the API routes with the package's own createProxy, which adds the
// key from this process's environment. The page never sees the key: it
// talks to this server, on its own origin, with no key at all.
//
//   APIFRAME_API_KEY=afk_... node scripts/demo-server.mjs --upstream https://api.apiframe.ai [--port 8787]
//
// It is what a production backend does in a few lines (see README, "The
// server half"); static serving here is only for the demo.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1] : fallback;
};
const upstream = flag('--upstream', 'https://api.apiframe.ai');
const port = Number(flag('--port', process.env.PORT || '8787'));
const apiKey = process.env.APIFRAME_API_KEY || '';
if (!apiKey) {
  console.error('demo-server: set APIFRAME_API_KEY (the key stays in this process; the page never gets it)');
  process.exit(2);
}

// The package's Node entry (what `require('happyhorse')` picks under Node).
const { createProxy } = createRequire(import.meta.url)(path.join(root, 'pkg', 'node', 'happyhorse.js'));
// basePath "": the page's default baseUrl is its own origin.
const proxy = createProxy({ apiKey, upstream });

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg', '.webm': 'video/webm' };
const STATIC = [['/pkg/', path.join(root, 'pkg')], ['/media/', path.join(root, 'fake-api', 'media')], ['/', path.join(root, 'www')]];

async function serveFile(req, res) {
  const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const [prefix, dir] = STATIC.find(([p]) => pathname.startsWith(p));
  const rel = pathname.slice(prefix.length) || 'index.html';
  const file = path.join(dir, path.normalize(rel));
  if (!file.startsWith(dir + path.sep) || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
}

const server = createServer((req, res) => {
  if (req.url.startsWith('/v2/')) proxy.node(req, res);
  else serveFile(req, res).catch(() => res.writeHead(500).end());
});
server.listen(port, '127.0.0.1', () => {
  console.log(`demo (proxy mode) listening on http://127.0.0.1:${server.address().port}/ → ${upstream}`);
});
