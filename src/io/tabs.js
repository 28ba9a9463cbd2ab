// One recorded job's coordination across the tabs of an origin: a Web Lock
// named for the job, held by the one tab that polls it, and a
// BroadcastChannel of the same name on which that tab posts each record it
// saves, so the others follow without polling. When the polling tab closes
// or its call ends, the browser hands the lock to the next tab that asked.
// Where either API is missing (Node, an old browser, an opaque origin), the
// tab polls alone. Nothing here throws: each call that could is caught.

function wake(t) {
  const w = t.wake;
  t.wake = undefined;
  if (w) w();
}

// Asks for the lock at once (queued behind the tab that holds it) and
// listens on the channel. Heard texts past `max` UTF-16 units are ignored;
// at most 16 wait to be read (older ones are stale anyway).
export function open(name, max) {
  const t = { heard: [], wake: undefined, channel: undefined, granted: false, release: undefined, stop: undefined, closed: false };
  try {
    if (typeof BroadcastChannel === 'function') {
      t.channel = new BroadcastChannel(name);
      t.channel.onmessage = (e) => {
        if (typeof e.data !== 'string' || e.data.length > max) return;
        if (t.heard.length >= 16) t.heard.shift();
        t.heard.push(e.data);
        wake(t);
      };
    }
  } catch {
    t.channel = undefined;
  }
  const alone = () => {
    if (!t.closed) {
      t.granted = true;
      wake(t);
    }
  };
  try {
    const locks = globalThis.navigator && globalThis.navigator.locks;
    if (locks && typeof locks.request === 'function') {
      t.stop = new AbortController();
      locks.request(name, { signal: t.stop.signal }, () => {
        if (t.closed) return undefined;
        t.granted = true;
        wake(t);
        return new Promise((release) => { t.release = release; });
      }).catch(alone);
    } else {
      alone();
    }
  } catch {
    alone();
  }
  return t;
}

// Resolves with what happened first: 1, this tab holds the lock; 2, a
// record was heard (take it with `heard`); 0, closed.
export function next(t) {
  return new Promise((resolve) => {
    const look = () => {
      if (t.closed) resolve(0);
      else if (t.granted) resolve(1);
      else if (t.heard.length) resolve(2);
      else t.wake = look;
    };
    look();
  });
}

export function heard(t) {
  return t.heard.shift();
}

export function share(t, text) {
  try {
    if (t.channel) t.channel.postMessage(text);
  } catch {
    // A closed channel: the other tabs read the store when they take over.
  }
}

// Releases the lock (or stops asking for it) and closes the channel.
export function close(t) {
  t.closed = true;
  try {
    if (t.release) t.release();
    if (t.stop && !t.granted) t.stop.abort();
    if (t.channel) t.channel.close();
  } catch {
    // Nothing left to undo.
  }
  wake(t);
}
