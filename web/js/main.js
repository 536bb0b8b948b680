// main.js: the console's page. Loads who the officer is and the page's
// words, opens the live feed (Server-Sent Events), shows the connection's
// state (never a stale screen that looks live), raises alert banners, and
// routes between the views (#/inbox, #/alerts, ...).
import { get, post, whenSessionLost } from './api.js';
import { h, clear, txt } from './dom.js';
import { t, language, pickLanguage, loadLanguage, translatePage } from './i18n.js';
import { store, addMessage, setState } from './store.js';
import { banners } from './banner.js';
import { loadForms } from './forms.js';
import * as inbox from './views/inbox.js';
import * as alerts from './views/alerts.js';
import * as compose from './views/compose.js';
import * as cases from './views/cases.js';
import * as consult from './views/consult.js';
import * as history from './views/history.js';
import * as stats from './views/stats.js';
import * as directory from './views/directory.js';
import * as invitations from './views/invitations.js';
import * as audit from './views/audit.js';

const routes = {
  inbox, alerts, compose, cases, consult, history,
  search: { render: (el, ctx) => history.render(el, { ...ctx, search: true }) },
  'st/stats': stats, 'st/directory': directory, 'st/invitations': invitations, 'st/audit': audit,
};

let cleanup = null;
let feedState = 'connected'; // the hub connection, as the console reports it
let consoleReachable = true;  // the console itself (enlace web) answers

function fatal(key) {
  const el = document.getElementById('fatal');
  clear(el).append(h('p', {}, t(key)));
  el.hidden = false;
  showState();
}

// The header's state and the stale bar: live only when both the console
// and its hub connection are.
function showState() {
  const conn = document.getElementById('conn');
  const bar = document.getElementById('stale-bar');
  let s = feedState;
  if (!document.getElementById('fatal').hidden) s = 'session';
  else if (!consoleReachable) s = 'offline';
  conn.className = `conn ${s}`;
  conn.textContent = t(`state.${s}`);
  conn.dataset.state = s;
  const live = s === 'connected';
  document.body.classList.toggle('stale', !live);
  bar.hidden = live;
  if (!live) bar.textContent = t(`stale.${s}`);
  setState(s);
}

function openFeed() {
  const es = new EventSource('/api/events');
  es.addEventListener('open', () => { consoleReachable = true; showState(); });
  es.addEventListener('state', (ev) => {
    feedState = JSON.parse(ev.data).state;
    showState();
    if (feedState === 'connected') banners.refresh();
  });
  es.addEventListener('message', (ev) => {
    const m = JSON.parse(ev.data);
    if (addMessage(m)) banners.fromMessage(m);
  });
  es.addEventListener('error', () => {
    // The browser retries by itself; until then the page is not live. A
    // stream the console refused (no session) is not retried: check.
    consoleReachable = false;
    showState();
    if (es.readyState === EventSource.CLOSED) {
      get('/api/me').then(() => setTimeout(openFeed, 1000)).catch(() => {});
    }
  });
}

function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, '') || 'inbox';
  const [path, query] = hash.split('?');
  const parts = path.split('/');
  let name = parts[0];
  let rest = parts.slice(1);
  if (name === 'st') { name = `st/${parts[1] || 'stats'}`; rest = parts.slice(2); }
  return { name, rest, query: new URLSearchParams(query || '') };
}

function route() {
  const { name, rest, query } = currentRoute();
  const view = routes[name] || inbox;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.route === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (cleanup) { try { cleanup(); } catch (e) { console.error(e); } }
  cleanup = null;
  const main = clear(document.getElementById('main'));
  document.title = `${t(`nav.${name.replace('st/', '')}`)} · enlace`;
  const r = view.render(main, { me: store.me, rest, query, navigate });
  cleanup = typeof r === 'function' ? r : null;
}

export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function showWho() {
  const me = store.me;
  clear(document.getElementById('who')).append(
    txt(me.name), ' · ', txt(me.country), ' · ', h('span', { class: 'fp' }, txt(me.fingerprint)));
}

function setupHeader() {
  const select = document.getElementById('lang-select');
  select.value = language();
  select.addEventListener('change', async () => {
    await loadLanguage(select.value, true);
    translatePage();
    showState();
    banners.render();
    route();
  });
  document.getElementById('logout-btn').addEventListener('click', async () => {
    try { await post('/api/logout'); } catch (e) { /* gone already */ }
    fatal('session.logged_out');
  });
  // The button shows only while the browser would still ask.
  const nb = document.getElementById('notify-btn');
  if (!('Notification' in window)) return;
  const show = (state) => { nb.hidden = state !== 'default' && state !== 'prompt'; };
  nb.addEventListener('click', async () => show(await Notification.requestPermission()));
  show(Notification.permission);
  if (navigator.permissions) {
    navigator.permissions.query({ name: 'notifications' }).then((st) => {
      st.onchange = () => show(Notification.permission);
    }).catch(() => {});
  }
}

async function boot() {
  whenSessionLost(() => fatal('session.lost'));
  let me;
  try {
    me = await get('/api/me');
  } catch (e) {
    await loadLanguage(pickLanguage(''), false).catch(() => {});
    fatal('session.lost');
    document.body.classList.remove('booting');
    return;
  }
  store.me = me;
  await Promise.all([loadLanguage(pickLanguage(me.language), false), loadForms()]);
  translatePage();
  showWho();
  document.getElementById('nav-st').hidden = !me.st;
  feedState = me.state;
  setupHeader();
  showState();
  document.body.classList.remove('booting');
  banners.start(me);
  openFeed();
  window.addEventListener('hashchange', route);
  route();
}

boot();
