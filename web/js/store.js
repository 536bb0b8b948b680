// store.js: what the pages share: who the officer is, the live messages
// (in arrival order, as the console's feed sent them), and who listens for
// new ones. Listeners are told once per animation frame, however many
// messages arrived in it, so a burst of thousands costs one render.
export const store = {
  me: null,
  messages: [],
  bySeq: new Map(),
  state: 'connected',
  listeners: new Set(),
  stateListeners: new Set(),
  people: null,   // the recipients' directory, fetched once per page load
};

let pending = 0;
let scheduled = false;

function flush() {
  scheduled = false;
  const n = pending;
  pending = 0;
  for (const fn of store.listeners) fn(n);
}

// A message from the feed; a repeated seq (the ring after a reconnect of
// the stream) is ignored.
export function addMessage(m) {
  if (store.bySeq.has(m.seq)) return false;
  store.bySeq.set(m.seq, m);
  store.messages.push(m);
  pending++;
  if (!scheduled) {
    scheduled = true;
    // rAF does not run in a hidden tab; a timer does.
    if (document.hidden) setTimeout(flush, 100);
    else requestAnimationFrame(flush);
  }
  return true;
}

export function onMessages(fn) {
  store.listeners.add(fn);
  return () => store.listeners.delete(fn);
}

export function setState(s) {
  store.state = s;
  for (const fn of store.stateListeners) fn(s);
}

export function onState(fn) {
  store.stateListeners.add(fn);
  return () => store.stateListeners.delete(fn);
}

// A person's name for a fingerprint, if the page knows it.
export function personName(fp) {
  if (store.me && fp === store.me.fingerprint) return store.me.name;
  for (const p of store.people || []) if (p.fingerprint === fp) return `${p.name} (${p.country})`;
  for (const m of store.messages) if (m.author.fingerprint === fp) return `${m.author.name} (${m.author.country})`;
  return null;
}
