// Under GC pressure (Node 20's fetch follows a Request's signal weakly), an
// abort or a request timeout still ends the call on time AND stops the
// download (the server sees its connection close).
// Run: node --expose-gc tests/hostile-io/gc.test.mjs
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { hostileServer, ID, sleep } from './server.mjs';
import { hh } from './util.mjs';

let s, gcTimer;
before(async () => {
  s = await hostileServer();
  gcTimer = setInterval(() => global.gc?.(), 200);
});
after(async () => {
  clearInterval(gcTimer);
  await s.close();
});

test('global.gc is exposed (run with --expose-gc)', () => assert.equal(typeof global.gc, 'function'));

for (const phase of ['headers', 'body']) {
  for (const how of ['abort', 'timeout']) {
    test(`${how} while the server withholds the ${phase}: settles on time and the connection closes`, async () => {
      let closedAt = null;
      const seen = s.log.length;
      s.next((req, res) => {
        res.on('close', () => (closedAt = performance.now()));
        if (phase === 'body') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{');
          const t = setInterval(() => res.write(' '), 50);
          res.on('close', () => clearInterval(t));
        }
      });
      const ac = new AbortController();
      const c = new hh.Client({ baseUrl: s.url, maxRetries: 0, timeoutMs: 1500 });
      const t0 = performance.now();
      const p = c.getJob(ID, { signal: ac.signal }).then(() => 'resolved', (e) => e.code);
      while (s.log.length === seen) await sleep(5);
      for (let k = 0; k < 3; k++) {
        global.gc?.();
        await sleep(100);
      }
      const t = how === 'abort' ? (ac.abort(), performance.now()) : t0 + 1500;
      const code = await p;
      const settled = performance.now();
      await sleep(300);
      assert.equal(code, how === 'abort' ? 'ABORTED' : 'TIMEOUT');
      assert.ok(settled - t < (how === 'abort' ? 100 : 1000), `settled ${(settled - t).toFixed(0)} ms late`);
      assert.ok(closedAt !== null && closedAt - settled < 200, `connection closed: ${closedAt === null ? 'never' : (closedAt - settled).toFixed(0) + ' ms after settling'}`);
    });
  }
}
