// `node --import ./examples-loader.mjs examples/…/server.mjs` runs an example
// in place as if it were an app with the package installed: its bare imports
// resolve from tests/runtimes/node_modules (express, …), and 'happyhorse'
// through pkg/package.json's "exports" (under Node: the nodejs build), as
// `npm install happyhorse` would give it.
import { register } from 'node:module';

register('./examples-hooks.mjs', import.meta.url);
