// createProxy in Deno: examples/deno/server.ts as written (Deno.serve, the
// package's web build through examples/deno/deno.json, `await init()`),
// run by the `deno` binary from npm with only the permissions it needs.
import { describe, before, after, test } from 'node:test';
import { existsSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root, here, examples, KEY, BASE_PATH, installed, cannotRun, startUpstream, startServer, runToEnd, proxyScenarios } from './harness.mjs';

/** The deno executable: where the npm package's install step put it, or inside its platform package. */
function denoBinary() {
  installed('deno/package.json');
  const candidates = [path.join(here, 'node_modules', 'deno', 'deno')];
  const scoped = path.join(here, 'node_modules', '@deno');
  if (existsSync(scoped)) for (const dir of readdirSync(scoped)) candidates.push(path.join(scoped, dir, 'deno'));
  const found = candidates.find(existsSync);
  if (!found) throw new Error(`no deno executable for ${process.platform}-${process.arch} under ${here}/node_modules (looked at ${candidates.join(', ')})`);
  return found;
}

const deno = denoBinary();
const skip = cannotRun(deno, ['--version']);
const exampleDir = path.join(examples, 'deno');

describe('createProxy in Deno — examples/deno/server.ts', { skip, timeout: 60_000 }, () => {
  let fake, server, base, denoDir;
  before(
    async () => {
      fake = await startUpstream();
      denoDir = mkdtempSync(path.join(tmpdir(), 'happyhorse-deno-'));
      server = await startServer(
        'deno (examples/deno/server.ts)',
        deno,
        [
          'run',
          '--no-prompt',
          '--config', path.join(exampleDir, 'deno.json'),
          '--allow-net=127.0.0.1',
          `--allow-read=${path.join(root, 'pkg')}`,
          '--allow-env=APIFRAME_API_KEY,APIFRAME_UPSTREAM,HOST,PORT',
          path.join(exampleDir, 'server.ts'),
        ],
        {
          cwd: exampleDir,
          env: { APIFRAME_API_KEY: KEY, APIFRAME_UPSTREAM: fake.url, HOST: '127.0.0.1', PORT: '0', DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
        },
      );
      base = server.url + BASE_PATH;
    },
    { timeout: 40_000 },
  );
  after(async () => {
    fake?.stop();
    await server?.stop();
    if (denoDir) rmSync(denoDir, { recursive: true, force: true });
  });
  proxyScenarios(() => ({ base, fake }));

  test('examples/deno/server.ts type-checks against the package\'s declarations (deno check)', async () => {
    await runToEnd('deno check', deno, ['check', '--config', path.join(exampleDir, 'deno.json'), path.join(exampleDir, 'server.ts')], {
      cwd: exampleDir,
      env: { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
      timeoutMs: 45_000,
    });
  });
});
