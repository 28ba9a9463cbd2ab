// Next.js route handler for /api/apiframe/*: the page uses
// `new Client({ baseUrl: '/api/apiframe' })` and never sees the key.
import { createProxy, type ProxyHandler } from 'happyhorse/server';

// Made on the first request, so `next build` needs no key in its environment.
let proxy: ProxyHandler | undefined;
function handler(request: Request): Promise<Response> {
  proxy ??= createProxy({
    apiKey: process.env.APIFRAME_API_KEY!,
    basePath: '/api/apiframe',
    upstream: process.env.APIFRAME_UPSTREAM, // unset: https://api.apiframe.ai
  });
  return proxy(request);
}

export { handler as GET, handler as POST };
