// A Cloudflare Worker that serves /api/apiframe/* with createProxy.
// The key is a secret: `wrangler secret put APIFRAME_API_KEY`.
import { initSync, createProxy } from 'happyhorse/server'; // the server build: createProxy is not in the page build
import wasm from 'happyhorse/server/happyhorse_bg.wasm'; // a WebAssembly.Module in Workers

initSync({ module: wasm });

let proxy;
export default {
  fetch(request, env) {
    proxy ??= createProxy({
      apiKey: env.APIFRAME_API_KEY,
      basePath: '/api/apiframe',
      upstream: env.APIFRAME_UPSTREAM || undefined, // unset: https://api.apiframe.ai
    });
    return proxy(request);
  },
};
