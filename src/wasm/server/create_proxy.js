// The proxy handler as JS sees it: a plain function (request) => Promise<Response>
// that also carries `.node(req, res)`, an adapter for node:http and Express.
// Written in JS because a callable with a property is not something
// wasm-bindgen can export; all decisions stay in Rust (`core.handle`).

export function proxyHandler(core) {
  const handler = (request) => core.handle(request);
  handler.node = (req, res) => {
    serveNode(handler, req, res).catch(() => {
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

// node:http's (req, res) to a WHATWG Request and back. The body streams
// into the handler, which stops reading past its limit: the rest is
// discarded, the answer sent, and the connection closed. Mount it before any
// body parser: a parsed body is gone.
export async function serveNode(handler, req, res) {
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
  let dropped = false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    body = new ReadableStream({
      start(controller) {
        req.on('data', (chunk) => {
          if (dropped) return;
          try {
            controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          } catch {
            dropped = true;
          }
        });
        req.on('end', () => {
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
      cancel() {
        // Past the limit: the rest is discarded as it arrives (never held),
        // the answer goes out, then the connection is closed.
        dropped = true;
      },
    });
  }
  let request;
  try {
    request = new Request(`http://${host}${path}`, { method: req.method, headers, body, duplex: 'half' });
  } catch {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end('{"error":"bad request"}');
    return;
  }
  const response = await handler(request);
  const out = {};
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  if (dropped) out.connection = 'close';
  res.on('finish', () => {
    if (dropped && !req.complete) req.destroy();
  });
  res.writeHead(response.status, out);
  res.end(new Uint8Array(await response.arrayBuffer()));
}
