// An Express app that serves /api/apiframe/* with createProxy: the page uses
// `new Client({ baseUrl: '/api/apiframe' })` and never sees the key.
//   APIFRAME_API_KEY=afk_... node server.mjs
import express from 'express';
import { createProxy } from 'happyhorse/server';

const proxy = createProxy({
  apiKey: process.env.APIFRAME_API_KEY,
  basePath: '/api/apiframe',
  upstream: process.env.APIFRAME_UPSTREAM, // unset: https://api.apiframe.ai
});

const app = express();
app.use('/api/apiframe', proxy.node); // before any body parser: the proxy reads the raw body
app.use(express.json()); // your own routes from here on

const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  console.log(`listening on http://${server.address().address}:${server.address().port}`);
});
