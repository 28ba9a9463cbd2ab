// An upstream that echoes the owner's key back in every spelling a page
// could turn into the key again — as is, in another case, percent-encoded,
// JSON-escaped, base64 (both alphabets, every alignment), in a body that is
// not UTF-8, and in each header the proxy passes back — and the proof that
// none of it reaches the caller: not through createProxy (its WHATWG
// handler and its node:http adapter), and not into a Client's errors.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { pkg } from '../node/load.mjs';

const KEY = 'afk_live_Echo7Key2025xyz';
const UUID = '0e3a4b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c';
const HORSE = { prompt: 'A herd of horses thundering across desert dunes, golden hour' };

const pct = (s) => [...Buffer.from(s)].map((b) => '%' + b.toString(16).padStart(2, '0')).join('');
const jsonEscaped = (s) => [...s].map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).join('');

/** Every way the hostile upstream spells the key, by name. */
const SPELLINGS = {
  plain: KEY,
  upper: KEY.toUpperCase(),
  lower: KEY.toLowerCase(),
  'percent-encoded': pct(KEY),
  'percent-encoded, mixed with plain': 'afk%5Flive_Echo7%4Bey2025xyz',
  'JSON escapes': jsonEscaped(KEY),
  base64: Buffer.from(KEY).toString('base64'),
  'base64 after one byte': Buffer.from('x' + KEY).toString('base64'),
  'base64 after two bytes': Buffer.from('xy' + KEY).toString('base64'),
  base64url: Buffer.from('Bearer ' + KEY).toString('base64url'),
};

/** Whether `text` holds the key in any form a reader could decode. */
function leaks(text) {
  const low = KEY.toLowerCase();
  const forms = [text];
  try { forms.push(decodeURIComponent(text)); } catch { forms.push(text.replace(/%([0-9a-f]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)))); }
  forms.push(text.replace(/\\u([0-9a-f]{4})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))));
  for (const run of text.match(/[A-Za-z0-9+/_-]{8,}/g) ?? []) {
    for (let skip = 0; skip < 4; skip++) {
      forms.push(Buffer.from(run.slice(skip), 'base64').toString('latin1'));
      forms.push(Buffer.from(run.slice(skip), 'base64url').toString('latin1'));
    }
  }
  return forms.some((f) => f.toLowerCase().includes(low));
}

test('the leak detector itself finds every spelling (so the tests below can fail)', () => {
  for (const [name, s] of Object.entries(SPELLINGS)) assert.ok(leaks(`{"error":"${s}"}`), name);
  assert.ok(!leaks('{"error":"nothing here","requestId":"9f1c2b7a-0000-4000-8000-000000000000"}'));
});

let upstream, spelling = 'plain', where = 'body';
before(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    const echo = SPELLINGS[spelling];
    const headers = { 'content-type': 'application/json', 'x-request-id': 'req-1' };
    if (where === 'x-request-id') headers['x-request-id'] = echo;
    if (where === 'retry-after') headers['retry-after'] = echo;
    if (where === 'content-type') headers['content-type'] = `application/json; charset=${echo}`;
    let body = Buffer.from(JSON.stringify({ error: 'no' }));
    if (where === 'body') body = Buffer.from(`{"error":"your key ${echo} is not valid"}`);
    if (where === 'bytes') body = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from(echo), Buffer.from([0x80])]);
    res.writeHead(401, headers);
    res.end(body);
  });
  await new Promise((ok) => upstream.listen(0, '127.0.0.1', ok));
});
after(() => upstream.close());
const upstreamUrl = () => `http://127.0.0.1:${upstream.address().port}`;

for (const place of ['body', 'bytes', 'x-request-id', 'retry-after', 'content-type']) {
  test(`createProxy passes back no spelling of the key echoed in the ${place}`, async () => {
    const proxy = pkg.createProxy({ apiKey: KEY, upstream: upstreamUrl() });
    const server = createServer(proxy.node);
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    const nodeOrigin = `http://127.0.0.1:${server.address().port}`;
    try {
      where = place;
      for (const name of Object.keys(SPELLINGS)) {
        spelling = name;
        const answers = [
          await proxy(new Request('http://127.0.0.1/v2/videos/generate', { method: 'POST', body: JSON.stringify(HORSE), headers: { 'content-type': 'application/json' } })),
          await fetch(`${nodeOrigin}/v2/jobs/${UUID}`),
        ];
        for (const answer of answers) {
          assert.equal(answer.status, 401, `${name}: the upstream's status passes`);
          const text = Buffer.from(await answer.arrayBuffer()).toString('latin1');
          assert.ok(!leaks(text), `${name} in the ${place}: the body carries the key: ${text}`);
          for (const [header, value] of answer.headers) assert.ok(!leaks(value), `${name} in the ${place}: header ${header}: ${value}`);
        }
      }
      if (place === 'x-request-id') {
        spelling = 'plain';
        const answer = await proxy(new Request(`http://127.0.0.1/v2/jobs/${UUID}`));
        assert.equal(answer.headers.get('x-request-id'), null, 'a request id that carries the key is dropped, not passed on');
      }
    } finally {
      server.close();
    }
  });
}

test('a Client that talks to the echoing server straight (apiKey on the client) gets no spelling of the key in any error', async () => {
  const client = new pkg.Client({ apiKey: KEY, baseUrl: upstreamUrl(), maxRetries: 0 });
  for (const place of ['body', 'x-request-id']) {
    where = place;
    for (const name of Object.keys(SPELLINGS)) {
      spelling = name;
      const e = await client.getJob(UUID).then(() => assert.fail('resolved'), (e) => e);
      assert.equal(e.code, 'UNAUTHORIZED', name);
      const seen = [e.message, e.stack, JSON.stringify(e), String(e.requestId), JSON.stringify(e.issues ?? [])].join('\n');
      assert.ok(!leaks(seen), `${name} in the ${place}: ${seen}`);
    }
  }
});
