// A Deno server that serves /api/apiframe/* with createProxy: the page uses
// `new Client({ baseUrl: '/api/apiframe' })` and never sees the key.
//   APIFRAME_API_KEY=afk_... deno run --allow-net --allow-env --allow-read server.ts
// deno.json maps "happyhorse/server" to this repo's server build
// (pkg/server/); in your app map it to "npm:happyhorse/server" (Deno then
// takes the package's Node entry, where init() is the same call).
import init, { createProxy } from 'happyhorse/server';

await init(); // loads the server build's happyhorse_bg.wasm, once

const proxy = createProxy({
  apiKey: Deno.env.get('APIFRAME_API_KEY')!,
  basePath: '/api/apiframe',
  upstream: Deno.env.get('APIFRAME_UPSTREAM'), // unset: https://api.apiframe.ai
});

Deno.serve({
  hostname: Deno.env.get('HOST') ?? '127.0.0.1',
  port: Number(Deno.env.get('PORT') ?? 8000),
  onListen: ({ hostname, port }) => console.log(`listening on http://${hostname}:${port}`),
}, proxy);
