// The README's Node recipe as an ES module: prints the check's result as JSON.
import init, { validate, estimateCost, Client } from 'happyhorse';
import { check } from './check.js';
await init();   // optional in Node
const result = await check({ validate, estimateCost, Client }, process.argv[2]);
console.log(JSON.stringify({ initType: typeof init, result }));
