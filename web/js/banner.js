// banner.js: an urgent or flash alert that concerns the officer's country
// opens a banner that stays until the country acknowledges it (here, or by
// a colleague elsewhere), with a sound and a desktop notification. The
// banners come from the live feed at once, and from the hub's list of open
// alerts at start, on reconnection and every 15 s (which also closes those
// acknowledged elsewhere).
import { get, post } from './api.js';
import { h, clear, txt, fmtShortTime, fmtDuration } from './dom.js';
import { t } from './i18n.js';

const NEEDS_ACK = new Set(['urgent', 'flash']);

let audio = null;

// Three short tones. Without a sound device (or before the page may play
// sound) this fails quietly: the banner and the notification remain.
function alarm(flash) {
  try {
    audio = audio || new AudioContext();
    if (audio.state === 'suspended') audio.resume();
    const start = audio.currentTime + 0.05;
    for (let i = 0; i < 3; i++) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'square';
      osc.frequency.value = flash ? 1046 : 880;
      gain.gain.value = 0.06;
      osc.connect(gain).connect(audio.destination);
      osc.start(start + i * 0.3);
      osc.stop(start + i * 0.3 + 0.18);
    }
  } catch (e) { /* no audio */ }
}

function notify(b) {
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(t('banner.notify_title', { priority: t(`priority.${b.priority}`), id: b.id }), {
      body: b.headline, tag: `enlace-alert-${b.id}`, requireInteraction: true,
    });
    n.onclick = () => { window.focus(); n.close(); };
  } catch (e) { /* not allowed here */ }
}

export const banners = {
  me: null,
  open: new Map(),      // alert id -> what the banner shows
  announced: new Set(), // ids that already rang
  skew: 0,              // the console's clock minus ours
  listeners: new Set(),

  start(me) {
    this.me = me;
    this.refresh();
    setInterval(() => this.refresh(), 15000);
    setInterval(() => this.tick(), 1000);
  },

  concernsMe(countries) {
    return Array.isArray(countries) && countries.includes(this.me.country);
  },

  // A delivery: an alert for us opens a banner now; an update, a
  // cancellation or an escalation makes us ask the hub again.
  fromMessage(m) {
    if (m.escalation || (m.alert && m.alert.msg_type !== 'alert')) {
      this.refresh();
      return;
    }
    const a = m.alert;
    if (!a || !NEEDS_ACK.has(a.priority) || !this.concernsMe(a.countries)) return;
    if (this.open.has(m.seq)) return;
    this.add({
      id: m.seq, priority: a.priority, category: a.category, headline: a.headline,
      drill: a.status === 'exercise', countries: a.countries, author: m.author,
      stored_ms: m.stored_ms, deadline_ms: 0, level: 0, state: 'pending',
    });
    this.refresh();
  },

  add(b) {
    this.open.set(b.id, b);
    this.render();
    if (!this.announced.has(b.id)) {
      this.announced.add(b.id);
      alarm(b.priority === 'flash');
      notify(b);
    }
  },

  async refresh() {
    if (!this.me) return;
    let list;
    try {
      list = await get('/api/alerts', { open: 1 });
    } catch (e) {
      return; // the state bar says why
    }
    this.skew = list.now_ms - Date.now();
    const pending = new Set();
    for (const a of list.alerts) {
      const mine = a.targets.find((x) => x.country === this.me.country);
      if (!mine || (mine.state !== 'pending' && mine.state !== 'overdue')) continue;
      if (!NEEDS_ACK.has(a.priority) || a.msg_type === 'cancel') continue;
      pending.add(a.id);
      const b = this.open.get(a.id) || {};
      const fresh = {
        ...b, id: a.id, priority: a.priority, category: a.category, headline: a.headline,
        drill: a.status === 'exercise', countries: a.countries, author: a.author,
        stored_ms: a.stored_ms, deadline_ms: mine.deadline_ms, level: mine.level, state: mine.state,
      };
      if (this.open.has(a.id)) this.open.set(a.id, fresh);
      else this.add(fresh);
    }
    // Those no longer waiting for us (acknowledged elsewhere, cancelled);
    // but never one that came after this answer was made.
    for (const [id, b] of this.open) {
      if (!pending.has(id) && b.stored_ms && b.stored_ms < list.now_ms - 2000) this.open.delete(id);
    }
    this.render();
    for (const fn of this.listeners) fn();
  },

  async acknowledge(id, note, errEl, button) {
    button.disabled = true;
    try {
      await post(`/api/alerts/${Number(id)}/ack`, { note });
      this.open.delete(id);
      this.render();
      for (const fn of this.listeners) fn();
    } catch (e) {
      clear(errEl).append(txt(e.message));
      button.disabled = false;
    }
  },

  onChange(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  },

  timeLeft(b) {
    if (!b.deadline_ms) return '';
    const left = b.deadline_ms - (Date.now() + this.skew);
    return left >= 0 ? t('banner.left', { left: fmtDuration(left) })
      : t('banner.overdue', { late: fmtDuration(-left), level: b.level });
  },

  tick() {
    for (const el of document.querySelectorAll('#banners [data-left]')) {
      const b = this.open.get(Number(el.dataset.left));
      if (b) el.textContent = this.timeLeft(b);
    }
  },

  render() {
    const root = document.getElementById('banners');
    // Keep a banner that is already there (and what is typed in it).
    for (const el of [...root.children]) {
      if (!this.open.has(Number(el.dataset.alert))) el.remove();
    }
    for (const b of this.open.values()) {
      const existing = root.querySelector(`[data-alert="${b.id}"]`);
      if (existing) {
        const left = existing.querySelector('[data-left]');
        left.textContent = this.timeLeft(b);
        continue;
      }
      const titleId = `banner-${b.id}-title`;
      const noteId = `banner-${b.id}-note`;
      const err = h('span', { class: 'b-err', role: 'alert' });
      const note = h('input', { id: noteId, type: 'text', maxlength: '500', autocomplete: 'off' });
      const button = h('button', { type: 'button', class: 'b-ack-btn' }, t('banner.ack', { country: this.me.country }));
      button.addEventListener('click', () => this.acknowledge(b.id, note.value, err, button));
      note.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') button.click(); });
      const cls = ['banner', b.priority, b.drill ? 'drill' : ''].filter(Boolean).join(' ');
      root.append(h('section', { class: cls, 'data-alert': b.id, 'aria-labelledby': titleId },
        h('div', { class: 'b-icon', 'aria-hidden': 'true' }, '⚠'),
        h('div', { class: 'b-main' },
          h('p', { class: 'b-title', id: titleId },
            b.drill ? `${t('banner.drill')} · ` : '',
            t('banner.title', { priority: t(`priority.${b.priority}`), id: b.id }), ' · ',
            t(`category.${b.category}`), ' — ', txt(b.headline)),
          h('p', { class: 'b-meta' },
            txt((b.countries || []).join(', ')), ' · ',
            t('banner.by', {}), ' ', txt(b.author.name), ' (', txt(b.author.country), ') · ',
            fmtShortTime(b.stored_ms), ' · ',
            h('span', { class: 'b-left', 'data-left': b.id }, this.timeLeft(b)), ' · ',
            h('a', { href: '#/alerts' }, t('banner.board')))),
        h('div', { class: 'b-ack' },
          h('label', { for: noteId }, t('banner.note'), note),
          button, err)));
    }
  },
};
