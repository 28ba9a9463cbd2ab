// Starts the fake Apiframe server (target/release/fake-apiframe, built by
// scripts/build.sh) on a free port, for Node-side test files.
// FAKE_APIFRAME_BIN names another build of it (e.g. one made with its own
// CARGO_TARGET_DIR, to test a fake against an older package build).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { root } from '../node/load.mjs';

export async function startFake(extraArgs = [], env = {}) {
  const candidates = ['release', 'debug'].map((p) => path.join(root, 'target', p, 'fake-apiframe'));
  const bin = process.env.FAKE_APIFRAME_BIN || candidates.find(existsSync);
  if (!bin || !existsSync(bin)) throw new Error(`fake-apiframe is not built (${bin || 'target/{release,debug}'}): run scripts/build.sh`);
  const child = spawn(bin, ['--port', '0', '--www', path.join(root, 'www'), '--pkg', path.join(root, 'pkg'), '--media', path.join(root, 'fake-api', 'media'), ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[\d.:]+)/);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`fake-apiframe exited with ${code}: ${out}`)));
  });
  return { url, stop: () => child.kill() };
}
