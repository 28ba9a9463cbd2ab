// A small hostile HTTP server for the review tests: each request is answered
// by the next queued handler (or `fallback`), and logged with its method,
// url, headers and body. Bound to 127.0.0.1 only.
import { createServer } from 'node:http';

export async function hostileServer(fallback = (req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Job not found"}')) {
  const queue = [];
  const log = [];
  const sockets = new Set();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method, url: req.url, headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString('utf8'), t: Date.now() };
      log.push(entry);
      const h = queue.length ? queue.shift() : fallback;
      try {
        h(req, res, entry);
      } catch (e) {
        res.destroy();
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    log,
    queue,
    /** Queue handlers: each answers one request. */
    next: (...handlers) => queue.push(...handlers),
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export const json = (status, body, headers = {}) => (req, res) => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
};

export const raw = (status, bytes, headers = {}) => (req, res) => {
  res.writeHead(status, headers);
  res.end(bytes);
};

/** Never answers (until the client goes away). */
export const hang = () => () => {};

/** Sends headers, then one byte every `ms`, forever. */
export const trickle = (ms = 100, status = 200) => (req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.write('{');
  const t = setInterval(() => res.write(' '), ms);
  res.on('close', () => clearInterval(t));
};

export const ID = '0e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c';
export const KEY = 'afk_review_secret_3141';
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
