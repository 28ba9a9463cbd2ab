// Vitest, `environment: 'node'`: both entries, the shared check against the
// fake API; the answers go to HH_RESULT for the test runner to assert.
import { expect, test } from 'vitest';
import { writeFileSync } from 'node:fs';
import init, { validate, estimateCost, Client } from 'happyhorse';
import { createProxy } from 'happyhorse/server';
import { check } from './check.js';

test('happyhorse in Vitest (node)', async () => {
  expect(typeof window).toBe('undefined');
  expect(typeof init).toBe('function');
  await init();
  expect(typeof createProxy).toBe('function');
  const result = await check({ validate, estimateCost, Client }, process.env.HH_FAKE_URL);
  writeFileSync(process.env.HH_RESULT, JSON.stringify({ environment: 'node', initType: typeof init, createProxyType: typeof createProxy, result }));
});
