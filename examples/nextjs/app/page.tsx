'use client';
// A client component: the browser gets the package's web build, loaded once
// with init(); on the server (SSR) the Node entry is used, where init() is
// ready at once. Requests go to this app's own /api/apiframe (the route
// handler beside it), which adds the key.
import { useEffect, useState } from 'react';
import init, { validate, estimateCost, Client } from 'happyhorse';

const request = { prompt: 'A herd of horses thundering across desert dunes, golden hour', happyhorse11Params: { duration: 10 } };

export default function Page() {
  const [status, setStatus] = useState('loading');
  useEffect(() => {
    init()
      .then(async () => {
        const report = validate(request);
        const { credits } = estimateCost(request);
        setStatus(`ok=${report.ok} credits=${credits} job=…`);
        const job = await new Client({ baseUrl: '/api/apiframe' }).generate(request, { pollIntervalMs: 50 });
        setStatus(`ok=${report.ok} credits=${credits} job=${job.status}`);
      })
      .catch((e) => setStatus(`error: ${e.code ?? ''} ${e.message}`));
  }, []);
  return <p id="status">{status}</p>;
}
