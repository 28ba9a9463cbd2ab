// The demo page: every control comes from the package's capabilities, every
// keystroke is validated and priced by the package, and Generate runs the
// job through its Client. User and server text is rendered with
// textContent only; the API key stays in memory and is never logged.
import init, {
  validate, estimateCost, buildRequest, capabilities, checkImage, findImageReferences, Client,
} from '/pkg/happyhorse.js';

await init({ module_or_path: '/pkg/happyhorse_bg.wasm' });
const caps = capabilities();
const $ = (id) => document.getElementById(id);

// ---------- connection (memory only) ----------
const connection = { baseUrl: location.origin, apiKey: '' };

// ---------- where jobs are recorded ----------
// A job is recorded in localStorage (never the API key), so a reload cannot
// lose it and the tabs of this page share one poller per job. Merely reading
// `localStorage` throws where storage is refused: then jobs live in memory.
function browserStore() {
  try {
    const store = globalThis.localStorage;
    void store.length;
    return store;
  } catch {
    return undefined;
  }
}
const store = browserStore();
function showStoreNotice(detail) {
  const p = $('store-notice');
  p.replaceChildren();
  p.append('Jobs are kept in memory only: this browser did not let the page save them, so a reload or a closed tab loses track of a running job (it still runs on the service).');
  if (detail) p.append(' ', el('span', { className: 'hint', textContent: `(${detail})` }));
}
if (!store) showStoreNotice('storage is not available here');

// One client per connection: a job kept in memory lives in its client.
let cachedClient = null;
function getClient() {
  const { baseUrl, apiKey } = connection;
  if (cachedClient?.baseUrl !== baseUrl || cachedClient?.apiKey !== apiKey) {
    const client = new Client({
      baseUrl,
      apiKey: apiKey || undefined,
      store,
      onStoreError: (e) => showStoreNotice(e.message),
    });
    cachedClient = { baseUrl, apiKey, client };
  }
  return cachedClient.client;
}
$('base-url').value = connection.baseUrl;
function setConnection(baseUrl, summary) {
  connection.baseUrl = baseUrl;
  $('base-url').value = baseUrl;
  $('connection-summary').textContent = summary;
  refresh();
}
$('base-url').addEventListener('input', (e) => {
  connection.baseUrl = e.target.value.trim();
  $('connection-summary').textContent = connection.baseUrl === location.origin ? 'local fake API' : connection.baseUrl;
  refresh();
});
$('api-key').addEventListener('input', (e) => { connection.apiKey = e.target.value.trim(); refresh(); });
$('use-fake').addEventListener('click', () => setConnection(location.origin, 'local fake API'));
$('use-real').addEventListener('click', () => setConnection(caps.defaultBaseUrl, caps.defaultBaseUrl));

// ---------- controls from capabilities ----------
function option(select, value, label) {
  select.append(Object.assign(document.createElement('option'), { value, textContent: label }));
}
for (const r of caps.resolutions) option($('resolution'), r, `${r} · ${caps.creditsPerSecond[r]} credits/s`);
$('resolution').value = caps.defaultResolution;
for (const a of caps.aspectRatios) option($('aspect-ratio'), a, a);
$('aspect-ratio').value = caps.defaultAspectRatio;
Object.assign($('duration'), { min: caps.duration.min, max: caps.duration.max, value: caps.duration.default });
Object.assign($('seed'), { min: caps.seed.min, max: caps.seed.max });
$('prompt').maxLength = caps.prompt.maxLength * 2; // the package reports the real (UTF-16) limit
for (const ev of caps.webhookEvents) {
  const label = document.createElement('label');
  label.className = 'check';
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.value = ev;
  box.checked = ev !== 'progress';
  label.append(box, ` ${ev}`);
  $('webhook-events').append(label);
}

// ---------- images ----------
const imageChecks = new Map(); // url -> ImageCheck (or a pending promise)
let imageSeq = 0;
function imageRows() { return [...$('images').querySelectorAll(':scope > li')]; }
/** An element with properties set and children appended: text stays text, never markup. */
function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function addImage(url = '') {
  const id = `image-${++imageSeq}`;
  const thumb = el('img', { className: 'thumb empty', alt: '' });
  const input = el('input', { id, type: 'url', spellcheck: false, placeholder: 'https://example.com/photo.jpg', value: url });
  const label = el('label', { htmlFor: id }, 'Image URL ', el('span', { className: 'tag' }));
  const remove = el('button', { type: 'button', className: 'remove', textContent: 'Remove' });
  const body = el('div', { className: 'image-body' }, label, input, el('ul', { className: 'messages' }));
  const li = el('li', { className: 'image-row field' }, thumb, body, remove);
  input.addEventListener('input', () => refresh());
  remove.addEventListener('click', () => { li.remove(); refresh(); $('add-image').focus(); });
  $('images').append(li);
  refresh();
  return input;
}
$('add-image').addEventListener('click', () => addImage().focus());
$('example-images').addEventListener('click', () => {
  for (const li of imageRows()) li.remove();
  addImage(`${location.origin}/media/horse.png`);
  addImage(`${location.origin}/media/castle.jpg`);
  $('prompt').value = '[Image 1] walks through the gate of [Image 2] at dusk, cinematic tracking shot';
  refresh();
});

/** Only https URLs (and http on this machine, for the local fake) may be shown. */
function safeMediaUrl(url) {
  try {
    const u = new URL(url);
    if (u.protocol === 'https:') return u.href;
    if (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) return u.href;
  } catch { /* not a URL */ }
  return null;
}

function checkImageLater(url, index) {
  if (imageChecks.has(url)) return imageChecks.get(url);
  const pending = checkImage(url, { index }).then((r) => { imageChecks.set(url, r); refresh(); return r; });
  imageChecks.set(url, pending);
  return pending;
}

// ---------- the request ----------
function readRequest() {
  const images = imageRows().map((li) => li.querySelector('input').value.trim());
  const params = {
    resolution: $('resolution').value,
    duration: Number($('duration').value),
  };
  if (images.length) params.images = images;
  if (images.length !== 1) params.aspect_ratio = $('aspect-ratio').value;
  const seed = $('seed').value.trim();
  if (seed !== '') params.seed = Number(seed);
  const request = { prompt: $('prompt').value, happyhorse11Params: params };
  const webhookUrl = $('webhook-url').value.trim();
  if (webhookUrl) {
    request.webhookUrl = webhookUrl;
    request.webhookEvents = [...$('webhook-events').querySelectorAll('input:checked')].map((b) => b.value);
  }
  return request;
}

// ---------- rendering ----------
function messageList(path) {
  const m = /^happyhorse11Params\.images\[(\d+)\]$/.exec(path);
  if (m) return imageRows()[Number(m[1])]?.querySelector('.messages') ?? null;
  const base = path.replace(/\[\d+\]$/, '');
  return document.querySelector(`.messages[data-for="${CSS.escape(base)}"]`) ?? document.querySelector('.messages[data-for=""]');
}

function renderIssues(report, imageWarnings) {
  for (const ul of document.querySelectorAll('.messages')) ul.replaceChildren();
  for (const el of document.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const put = (issue, level) => {
    const ul = messageList(issue.path);
    if (!ul) return;
    const li = document.createElement('li');
    li.className = level;
    li.dataset.code = issue.code;
    const code = document.createElement('code');
    code.textContent = issue.code;
    li.append(`${level === 'error' ? 'Error' : 'Warning'}: ${issue.message} `, code);
    ul.append(li);
    if (level === 'error') ul.closest('.field')?.querySelector('input, textarea, select')?.setAttribute('aria-invalid', 'true');
  };
  report.errors.forEach((i) => put(i, 'error'));
  report.warnings.forEach((i) => put(i, 'warning'));
  imageWarnings.forEach((i) => put(i, 'warning'));
}

function renderReferences(prompt, count) {
  const refs = findImageReferences(prompt);
  const box = $('refs');
  box.replaceChildren();
  for (const r of refs) {
    if (!r.canonical && !r.bracketed && count < 2) continue;
    const chip = document.createElement('span');
    const valid = r.canonical && r.number >= 1 && r.number <= count;
    chip.className = `chip ${valid ? 'valid' : r.canonical ? 'dangling' : 'near'}`;
    chip.textContent = r.text;
    chip.title = valid ? `refers to image ${r.number}` : r.canonical ? 'no such image' : `write it as [Image ${r.number}]`;
    chip.setAttribute('aria-label', `${r.text}: ${chip.title}`);
    box.append(chip);
  }
}

let lastVerdict = '';
let checkTimer;
function refresh() {
  const request = readRequest();
  const report = validate(request);
  const count = request.happyhorse11Params.images?.length ?? 0;

  // images: tags, thumbnails, browser-side checks (once typing pauses)
  const imageWarnings = [];
  const toCheck = [];
  imageRows().forEach((li, i) => {
    li.querySelector('.tag').textContent = `[Image ${i + 1}]`;
    const url = li.querySelector('input').value.trim();
    const thumb = li.querySelector('.thumb');
    const shown = safeMediaUrl(url);
    if (shown && thumb.getAttribute('src') !== shown) thumb.src = shown;
    thumb.classList.toggle('empty', !shown);
    if (shown) {
      const check = imageChecks.get(url);
      if (check === undefined) toCheck.push([url, i]);
      else if (!(check instanceof Promise)) imageWarnings.push(...check.warnings.map((w) => ({ ...w, path: `happyhorse11Params.images[${i}]` })));
    }
  });
  if (toCheck.length) {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(() => toCheck.forEach(([url, i]) => checkImageLater(url, i)), 400);
  }
  $('aspect-note').hidden = count !== 1;
  $('aspect-ratio').setAttribute('aria-describedby', count === 1 ? 'aspect-note' : '');

  renderIssues(report, imageWarnings);
  renderReferences(request.prompt, count);
  $('prompt-count').textContent = `${request.prompt.length} / ${caps.prompt.maxLength}`;
  $('prompt-count').classList.toggle('over', request.prompt.length > caps.prompt.maxLength);
  $('duration-out').textContent = `${request.happyhorse11Params.duration} s`;
  $('mode').textContent = report.mode ?? '—';

  try {
    const e = estimateCost(request);
    $('cost').textContent = String(e.credits);
    $('cost-detail').textContent = `${e.seconds} s × ${e.creditsPerSecond} credits/s at ${e.resolution}`;
  } catch {
    $('cost').textContent = '—';
    $('cost-detail').textContent = '';
  }

  const running = currentJob !== null;
  const nErr = report.errors.length;
  const nWarn = report.warnings.length + imageWarnings.length;
  $('generate').disabled = !report.ok || running;
  $('copy-request').disabled = !report.ok;
  const verdict = report.ok
    ? (nWarn ? `Ready to send, with ${nWarn} warning${nWarn > 1 ? 's' : ''}.` : 'Ready to send.')
    : `${nErr} error${nErr > 1 ? 's' : ''} to fix before sending${nWarn ? `, ${nWarn} warning${nWarn > 1 ? 's' : ''}` : ''}.`;
  $('verdict').textContent = verdict;
  $('verdict').className = `verdict ${report.ok ? 'ok' : 'bad'}`;
  if (verdict !== lastVerdict) {
    lastVerdict = verdict;
    announce(verdict);
  }
}

let announceTimer;
function announce(text) {
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => { $('live').textContent = text; }, 400);
}

for (const id of ['prompt', 'resolution', 'aspect-ratio', 'duration', 'seed', 'webhook-url']) {
  $(id).addEventListener('input', refresh);
}
$('webhook-events').addEventListener('change', refresh);

// ---------- copy request ----------
const maskKey = (k) => (k ? `${k.slice(0, 4)}…` : k);
const shellQuote = (s) => `'${s.replaceAll("'", "'\\''")}'`;
$('copy-request').addEventListener('click', () => {
  let http;
  try {
    http = buildRequest(readRequest(), { baseUrl: connection.baseUrl, apiKey: connection.apiKey || undefined });
  } catch (e) {
    announce(`${e.code}: ${e.message}`);
    return;
  }
  const headers = Object.fromEntries(Object.entries(http.headers).map(([k, v]) => [k, k === 'X-API-Key' ? maskKey(v) : v]));
  const curl = [`curl -X ${http.method} ${shellQuote(http.url)}`, ...Object.entries(headers).map(([k, v]) => `  -H ${shellQuote(`${k}: ${v}`)}`), `  --data-raw ${shellQuote(http.body)}`].join(' \\\n');
  const fetchSnippet = `const response = await fetch(${JSON.stringify(http.url)}, {\n  method: ${JSON.stringify(http.method)},\n  headers: ${JSON.stringify(headers, null, 2).replaceAll('\n', '\n  ')},\n  body: JSON.stringify(${JSON.stringify(JSON.parse(http.body), null, 2).replaceAll('\n', '\n  ')}),\n});\nconst { jobId } = await response.json();`;
  $('curl').textContent = curl;
  $('fetch-snippet').textContent = fetchSnippet;
  $('request-dialog').showModal();
});
for (const b of document.querySelectorAll('[data-copy]')) {
  b.addEventListener('click', async () => {
    const text = $(b.dataset.copy).textContent;
    try {
      await navigator.clipboard.writeText(text);
      announce('Copied.');
    } catch {
      getSelection().selectAllChildren($(b.dataset.copy));
      announce('Selected: press Ctrl+C to copy.');
    }
  });
}

// ---------- generate ----------
let currentJob = null; // { controller, timer }
function showJob(job) {
  $('job-status').textContent = job.status;
  $('job-status').dataset.status = job.status;
  if (job.jobId) $('job-id').textContent = job.jobId;
  // COMPLETED is 100 %, whatever the service last read out.
  const done = job.status === 'COMPLETED';
  const p = done ? 100 : job.progress ?? null;
  $('progress').setAttribute('aria-valuenow', p ?? 0);
  $('progress').classList.toggle('indeterminate', p === null);
  $('progress').classList.toggle('done', done);
  $('progress-bar').style.width = `${p ?? 0}%`;
}

/**
 * Runs one job to its end and shows it. `start(client, options)` is the
 * package call: `generate` for a new request, `resume` or `resumeAll` for a
 * recorded one, `waitForJob` to keep waiting. Nothing submitted is lost: a
 * failed submit offers to try again under the same Idempotency-Key (the
 * service returns the job it may already have made), and a wait that
 * stopped offers to keep waiting for its jobId. `again(key)` is the start
 * that sends the same submission again under `key`.
 */
async function runJob(start, again) {
  if (currentJob) return;
  const controller = new AbortController();
  const started = performance.now();
  currentJob = { controller, timer: setInterval(() => { $('elapsed').textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`; }, 100) };
  $('job').hidden = false;
  $('job-error').hidden = true;
  $('resume').hidden = true;
  $('video').hidden = true;
  $('video').removeAttribute('src');
  $('cancel').hidden = false;
  refresh();
  let lastStatus = '';
  try {
    const job = await start(getClient(), {
      signal: controller.signal,
      onUpdate: (j) => {
        showJob(j);
        if (j.status !== lastStatus) { lastStatus = j.status; announce(`Job ${j.status.toLowerCase()}`); }
      },
    });
    showJob(job);
    const src = safeMediaUrl(job.videoUrls[0] ?? '');
    if (src) {
      $('video').src = src;
      $('video').hidden = false;
      announce('Your video is ready.');
    } else {
      showFailure({ code: 'BAD_RESPONSE', message: 'The result is not an https video URL, so it is not shown here.' });
    }
  } catch (e) {
    if (e.code === 'ABORTED') {
      showJob({ status: 'CANCELLED', progress: null, jobId: e.jobId });
      showFailure({ code: 'ABORTED', message: e.jobId ? `Stopped waiting. Job ${e.jobId} may still finish on the service.` : 'Cancelled before the job was submitted.' });
    } else {
      if (e.job) showJob(e.job); else $('job-status').textContent = 'ERROR';
      showFailure(e);
    }
    offerResume(e, again);
  } finally {
    clearInterval(currentJob.timer);
    currentJob = null;
    $('cancel').hidden = true;
    refresh();
  }
}

function offerResume(e, again) {
  const finished = ['JOB_FAILED', 'JOB_CANCELLED', 'INVALID_REQUEST'].includes(e.code);
  if (finished) return;
  const button = $('resume');
  if (e.jobId) {
    button.textContent = 'Keep waiting';
    button.onclick = () => runJob((client, opts) => client.waitForJob(e.jobId, opts), again);
  } else if (e.idempotencyKey && e.retryable !== false && again) {
    button.textContent = 'Try again (same request, same key)';
    button.onclick = () => runJob(again(e.idempotencyKey), again);
  } else {
    return;
  }
  button.hidden = false;
}

$('generate').addEventListener('click', () => {
  const request = readRequest();
  $('job-id').textContent = '';
  showJob({ status: 'SUBMITTING', progress: null });
  announce('Submitting…');
  const again = (idempotencyKey) => (client, opts) => client.generate(request, { ...opts, idempotencyKey });
  runJob((client, opts) => client.generate(request, opts), again);
});
$('cancel').addEventListener('click', () => currentJob?.controller.abort());

/**
 * Carries on every unfinished job recorded by this page (a reload, or a job
 * another tab is running) and shows the newest one. The package polls each
 * job from one tab only; here it is followed through what that tab saves,
 * so this page never polls it a second time. Cancel stops following them
 * all (they stay recorded, and the next load carries them on).
 */
function resumeRecorded() {
  let client;
  try {
    client = getClient();
  } catch {
    return;
  }
  const unfinished = client.jobs().filter((j) => !j.finished);
  if (!unfinished.length) return;
  const newest = unfinished[0];
  $('job-id').textContent = '';
  showJob(newest.job ?? { status: 'SUBMITTING', progress: null, jobId: newest.jobId });
  announce('Resuming your job…');
  const again = (idempotencyKey) => (c, opts) => c.resume(idempotencyKey, opts);
  runJob((c, opts) => {
    // The newest job's updates only: its jobId may be known only once its
    // submission is answered, so an update of an unknown id is matched to
    // its record (the record has its id by the time it is reported).
    let shownId = newest.jobId;
    const onUpdate = (j) => {
      if (!shownId) {
        const owner = c.jobs().find((r) => r.jobId === j.jobId);
        if (owner?.idempotencyKey === newest.idempotencyKey) shownId = j.jobId;
      }
      if (j.jobId === shownId) opts.onUpdate(j);
    };
    const resumed = c.resumeAll({ signal: opts.signal, onUpdate });
    const mine = resumed.find((r) => r.idempotencyKey === newest.idempotencyKey);
    for (const r of resumed) if (r !== mine) r.done.catch(() => { /* carried on in the background; resumed again at the next load */ });
    return mine ? mine.done : c.resume(newest.idempotencyKey, opts);
  }, again);
}

function showFailure(e) {
  const p = $('job-error');
  p.replaceChildren();
  const code = document.createElement('code');
  code.textContent = e.code ?? 'ERROR';
  p.append(code, ` ${e.message ?? String(e)}`);
  p.hidden = false;
  announce(`${e.code}: ${e.message}`);
}

$('prompt').value = '';
refresh();
resumeRecorded();
document.body.dataset.ready = 'true';
