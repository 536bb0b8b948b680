// The audit log (ST): every administrative act and every refused request,
// with the acting key, newest first; filtered here by words or refusals.
import { get } from '../api.js';
import { h, clear, txt, fmtTime } from '../dom.js';
import { t } from '../i18n.js';

export function render(main) {
  const err = h('div', { class: 'form-error', role: 'alert' });
  const filter = h('input', { type: 'search', id: 'audit-filter', autocomplete: 'off' });
  const refusals = h('input', { type: 'checkbox', id: 'audit-refused' });
  const list = h('div', { id: 'audit-list' });
  let entries = [];
  const draw = () => {
    const words = filter.value.trim().toLowerCase();
    const rows = entries.filter((e) => (!refusals.checked || e.outcome.startsWith('refused'))
      && (!words || `${e.action} ${e.outcome} ${e.detail} ${e.fingerprint}`.toLowerCase().includes(words)));
    clear(list).append(h('p', { class: 'muted' }, t('audit.count', { n: rows.length, all: entries.length })),
      h('table', { class: 'grid' }, h('caption', { class: 'sr' }, t('nav.audit')),
        h('thead', {}, h('tr', {}, ['#', t('audit.when'), t('audit.who'), t('audit.action'), t('audit.outcome'), t('audit.detail')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, rows.slice(0, 1000).map((e) => h('tr', {},
          h('td', {}, String(e.id)), h('td', {}, fmtTime(e.ts_ms)),
          h('td', { class: 'mono' }, e.fingerprint ? txt(e.fingerprint) : t('audit.local')),
          h('td', {}, txt(e.action)),
          h('td', {}, h('span', { class: `state state-${e.outcome === 'ok' ? 'acknowledged' : 'overdue'}` }, txt(e.outcome))),
          h('td', {}, txt(e.detail)))))));
  };
  filter.addEventListener('input', draw);
  refusals.addEventListener('change', draw);
  main.append(h('h1', {}, t('nav.audit')),
    h('div', { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: 'audit-filter' }, t('audit.filter')), filter),
      h('label', { class: 'checks', for: 'audit-refused' }, refusals, t('audit.refusals'))),
    err, list);
  get('/api/admin/audit').then((r) => { entries = r.entries.reverse(); draw(); })
    .catch((e) => clear(err).append(txt(e.message)));
}
