// Vitest, `environment: 'jsdom'` (a page's globals over Node): the shared
// check against the fake API; the answers go to HH_RESULT for the test
// runner to assert.
import { expect, test } from 'vitest';
import { writeFileSync } from 'node:fs';
import init, { validate, estimateCost, Client } from 'happyhorse';
import { check } from './check.js';

test('happyhorse in Vitest (jsdom)', async () => {
  expect(typeof document.createElement).toBe('function');
  expect(typeof init).toBe('function');
  await init();
  const result = await check({ validate, estimateCost, Client }, process.env.HH_FAKE_URL);
  writeFileSync(process.env.HH_RESULT, JSON.stringify({ environment: 'jsdom', initType: typeof init, result }));
});
