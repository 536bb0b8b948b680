// The inbox: the live messages of the officer's subscriptions, newest
// first, in a list that stays smooth with tens of thousands; the selected
// message beside it in full.
import { h, clear } from '../dom.js';
import { t, language } from '../i18n.js';
import { store, onMessages } from '../store.js';
import { VList } from '../vlist.js';
import { fillRow, messageCard } from '../message.js';

export function render(main) {
  let view = null; // indexes into store.messages, newest first; null: all
  let selectedSeq = null;
  const filter = h('input', { id: 'inbox-filter', type: 'search', autocomplete: 'off' });
  const onlyAlerts = h('input', { id: 'inbox-alerts', type: 'checkbox' });
  const count = h('p', { class: 'list-count', 'aria-live': 'polite', id: 'inbox-count' });
  const detail = h('section', { class: 'detail', id: 'inbox-detail', 'aria-label': t('inbox.detail'), tabindex: '-1' });

  const at = (i) => {
    const msgs = store.messages;
    return view ? msgs[view[i]] : msgs[msgs.length - 1 - i];
  };
  const total = () => (view ? view.length : store.messages.length);

  const list = new VList({
    rowHeight: 64,
    label: t('inbox.list'),
    count: total,
    fill: (el, i) => fillRow(el, at(i)),
    onSelect: (i) => {
      const m = at(i);
      selectedSeq = m.seq;
      clear(detail).append(messageCard(m, { language: language() }));
    },
  });

  const matches = (m, words, alerts) => {
    if (alerts && !m.alert && !m.escalation) return false;
    if (!words) return true;
    const hay = `${m.topic} ${m.author.name} ${m.author.country} ${m.alert ? m.alert.headline : ''} ${m.body || ''}`.toLowerCase();
    return hay.includes(words);
  };

  const recompute = () => {
    const words = filter.value.trim().toLowerCase();
    const alerts = onlyAlerts.checked;
    if (!words && !alerts) {
      view = null;
    } else {
      view = [];
      for (let i = store.messages.length - 1; i >= 0; i--) {
        if (matches(store.messages[i], words, alerts)) view.push(i);
      }
    }
    count.textContent = t('inbox.count', { n: total(), all: store.messages.length });
    // Keep the selection on the same message.
    let sel = -1;
    if (selectedSeq != null) {
      for (let i = 0; i < total(); i++) if (at(i).seq === selectedSeq) { sel = i; break; }
    }
    list.selected = sel;
    list.refresh();
    // The first message to arrive is shown at once.
    if (selectedSeq == null && total() > 0) list.select(0, false);
  };

  filter.addEventListener('input', recompute);
  onlyAlerts.addEventListener('change', recompute);
  const off = onMessages((n) => {
    // New messages go on top: keep what the officer looks at in place.
    const keepTop = list.el.scrollTop > 0;
    recompute();
    if (keepTop && !filter.value && !onlyAlerts.checked) list.el.scrollTop += n * 64;
  });

  main.append(
    h('h1', {}, t('nav.inbox')),
    h('div', { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: 'inbox-filter' }, t('inbox.filter')), filter),
      h('label', { class: 'checks', for: 'inbox-alerts' }, onlyAlerts, t('inbox.only_alerts')),
      h('span', { class: 'muted' }, t('inbox.patterns', { patterns: (store.me.patterns || []).join(', ') || t('inbox.no_patterns') }))),
    h('div', { class: 'inbox' },
      h('div', { class: 'inbox-list' }, count, list.el),
      detail));
  if (store.messages.length === 0) detail.append(h('p', { class: 'muted' }, t('inbox.empty')));
  recompute();
  return off;
}
