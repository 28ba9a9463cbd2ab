// The README's Node recipe as CommonJS (run with --no-experimental-require-module,
// as Node 18 would): prints the check's result as JSON.
const { validate, estimateCost, Client, HappyHorseError } = require('happyhorse');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

(async () => {
  // check.js is the apps' shared ES module; it is handed the require()d exports.
  const { check } = await import(pathToFileURL(path.join(__dirname, 'check.js')).href);
  const result = await check({ validate, estimateCost, Client }, process.argv[2]);
  const resolved = require.resolve('happyhorse');
  console.log(JSON.stringify({ resolved: path.relative(__dirname, resolved), errorClass: typeof HappyHorseError, result }));
})().catch((e) => { console.error(e); process.exitCode = 1; });
