// The proxy handler as JS sees it: a plain function (request) => Promise<Response>
// that also carries `.node(req, res)`, an adapter for node:http and Express.
// Written in JS because a callable with a property is not something
// wasm-bindgen can export. What to answer is decided in Rust (`core.handle`);
// this file only carries requests and responses, and says whether node:http
// took the connection on loopback.

export function proxyHandler(core) {
  // Called straight (Workers, Deno, Next.js), the handler cannot see its
  // socket: `loopback` is false there (see allowedHosts).
  const handler = (request) => core.handle(request, false);
  handler.node = (req, res) => {
    serveNode(core, req, res).catch(() => {
      try {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"internal error"}');
      } catch {
        // the connection is gone
      }
    });
  };
  return handler;
}

// Whether node:http took the connection on a loopback address (then only
// loopback host names are served unless allowedHosts says otherwise: the
// defence against DNS rebinding, decided in Rust).
function isLoopback(address) {
  return typeof address === 'string' && (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));
}

// The most of a request body held at once while the handler has not read
// it: past this the socket is paused, so an upload the proxy never reads
// (a refused route, a hook still deciding) costs nothing but this.
const HELD_BYTES = 64 * 1024;

// node:http's (req, res) to a WHATWG Request and back. The body streams
// into the handler only as fast as it reads (the socket is paused while
// HELD_BYTES wait unread). A body the handler leaves unread, or stops
// reading past its limit, is never taken in: the answer goes out with
// `connection: close` and the connection is closed. Mount it before any
// body parser: a parsed body is gone.
async function serveNode(core, req, res) {
  const rawHost = req.headers.host;
  const host = typeof rawHost === 'string' && /^[A-Za-z0-9.:[\]-]{1,255}$/.test(rawHost) ? rawHost : 'localhost';
  const path = typeof req.originalUrl === 'string' ? req.originalUrl : req.url;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      try {
        if (typeof one === 'string') headers.append(name, one);
      } catch {
        // a header fetch cannot carry: dropped (the handler forwards none but two)
      }
    }
  }
  let body;
  let finished = false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    req.pause();
    body = new ReadableStream(
      {
        start(controller) {
          req.on('data', (chunk) => {
            try {
              controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
              if (controller.desiredSize <= 0) req.pause();
            } catch {
              req.pause();
            }
          });
          req.on('end', () => {
            finished = true;
            try {
              controller.close();
            } catch {
              // cancelled already
            }
          });
          req.on('error', (e) => {
            try {
              controller.error(e);
            } catch {
              // cancelled already
            }
          });
        },
        pull() {
          req.resume();
        },
        cancel() {
          // Past the limit, or timed out: nothing more is taken in.
          req.pause();
        },
      },
      { highWaterMark: HELD_BYTES, size: (chunk) => chunk.byteLength },
    );
  } else {
    finished = true;
  }
  let request;
  try {
    request = new Request(`http://${host}${path}`, { method: req.method, headers, body, duplex: 'half' });
  } catch {
    res.writeHead(400, { 'content-type': 'application/json', connection: 'close' });
    res.end('{"error":"bad request"}', () => req.destroy());
    return;
  }
  const response = await core.handle(request, isLoopback(req.socket?.localAddress));
  const out = {};
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  // A body not read to its end stays unread: the connection cannot carry
  // another request, so it is closed once the answer is out.
  const unread = !finished && !req.complete;
  if (unread) out.connection = 'close';
  res.writeHead(response.status, out);
  res.end(new Uint8Array(await response.arrayBuffer()), () => {
    if (unread) req.destroy();
  });
}
