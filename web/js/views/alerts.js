// The alert board: every alert the officer may see (the latest 100), with
// each concerned country's state, the time left to its deadline and the
// escalation level reached; acknowledging for one's own country; the CAP
// file of an alert. Refreshed every 5 s while shown, and when an alert
// arrives or is acknowledged.
import { get } from '../api.js';
import { h, clear, txt, fmtTime, fmtDuration } from '../dom.js';
import { t } from '../i18n.js';
import { store, onMessages } from '../store.js';
import { banners } from '../banner.js';

function targetLine(tg, skew) {
  const now = Date.now() + skew;
  const parts = [h('span', { class: 'mono' }, txt(tg.country)), ' ',
    h('span', { class: `state state-${tg.state.replace(' ', '-')}` }, t(`target.${tg.state}`))];
  if (tg.state === 'acknowledged') {
    parts.push(' ', t('board.acked_by', { at: fmtTime(tg.acked_ms) }), ' ', txt(tg.acked_by));
    if (tg.note) parts.push(' — «', txt(tg.note), '»');
  } else if (tg.state === 'pending' || tg.state === 'overdue') {
    if (tg.deadline_ms) {
      const left = tg.deadline_ms - now;
      parts.push(' ', h('span', { 'data-deadline': tg.deadline_ms },
        left >= 0 ? t('board.left', { left: fmtDuration(left) }) : t('board.late', { late: fmtDuration(-left) })));
    }
    parts.push(' · ', t('board.level', { level: tg.level }));
  }
  return h('li', { 'data-country': tg.country, 'data-state': tg.state }, parts);
}

function alertCard(a, skew) {
  const open = a.targets.some((x) => x.state === 'pending' || x.state === 'overdue');
  return h('article', { class: `board-card${open ? ' open' : ''}`, 'data-alert': a.id },
    h('h3', {},
      h('span', { class: `badge alert-${a.priority}` }, t(`priority.${a.priority}`)), ' ',
      a.status === 'exercise' ? h('span', { class: 'badge drill' }, t('banner.drill')) : null, ' ',
      `#${a.id} · `, t(`category.${a.category}`), ' — ', txt(a.headline)),
    h('p', { class: 'meta muted' },
      t('board.raised', { at: fmtTime(a.stored_ms) }), ' ', t('banner.by'), ' ', txt(a.author.name),
      ' (', txt(a.author.country), ') · ', h('span', { class: 'mono' }, txt(a.topic)),
      a.msg_type !== 'alert' ? ` · ${t(`msgtype.${a.msg_type}`)} ${a.references.map((r) => `#${r}`).join(' ')}` : '',
      a.superseded_by ? ` · ${t('board.superseded', { id: a.superseded_by })}` : '',
      a.case ? h('span', {}, ' · ', h('a', { href: `#/cases/${Number(a.case)}` }, t('msg.case', { id: a.case }))) : null),
    a.targets.length ? h('ul', { class: 'targets' }, a.targets.map((tg) => targetLine(tg, skew)))
      : h('p', { class: 'muted' }, t('board.no_ack')),
    h('p', {}, h('a', { href: `/api/alerts/${Number(a.id)}/cap`, download: `alert-${Number(a.id)}.xml` }, t('board.cap'))));
}

export function render(main) {
  const openOnly = h('input', { id: 'board-open', type: 'checkbox' });
  const listEl = h('div', { id: 'board', 'aria-live': 'polite' });
  const err = h('p', { class: 'form-error', role: 'alert' });
  let timer = null;
  let busy = false;

  const load = async () => {
    if (busy) return;
    busy = true;
    try {
      const r = await get('/api/alerts', { open: openOnly.checked ? 1 : '' });
      const skew = r.now_ms - Date.now();
      clear(err);
      clear(listEl).append(...(r.alerts.length ? r.alerts.map((a) => alertCard(a, skew))
        : [h('p', { class: 'muted' }, t('board.empty'))]));
    } catch (e) {
      clear(err).append(txt(e.message));
    } finally {
      busy = false;
    }
  };
  openOnly.addEventListener('change', load);
  main.append(
    h('h1', {}, t('nav.alerts')),
    h('div', { class: 'toolbar' },
      h('a', { class: 'button', href: '#/compose?alert=1' }, t('board.raise')),
      h('button', { type: 'button', class: 'secondary', onclick: load }, t('board.refresh')),
      h('label', { class: 'checks', for: 'board-open' }, openOnly, t('board.open_only'))),
    err, listEl);
  load();
  timer = setInterval(load, 5000);
  const off1 = onMessages(() => { if (store.messages.length && store.messages[store.messages.length - 1].alert) load(); });
  const off2 = banners.onChange(load);
  return () => { clearInterval(timer); off1(); off2(); };
}
