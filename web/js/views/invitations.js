// Invitations and the PPT (ST): observers' invitations into part of a
// network, with their expiry, granted and revoked here; the pro-tempore
// presidency and the Troika.
import { get, post } from '../api.js';
import { h, clear, txt, fmtDate, field, setFieldError, clearErrors, options } from '../dom.js';
import { t } from '../i18n.js';
import { countries } from '../forms.js';

const NETWORKS = ['consular', 'trafficking', 'child', 'crm'];

export function render(main) {
  const err = h('div', { class: 'form-error', role: 'alert' });
  const ok = h('div', { class: 'form-ok', role: 'status' });
  const list = h('div', { id: 'inv-list' });
  const troika = h('div', { id: 'ppt-show' });

  const load = async () => {
    try {
      const r = await get('/api/admin/invitations');
      clear(list).append(r.invitations.length ? h('table', { class: 'grid' },
        h('caption', { class: 'sr' }, t('inv.title')),
        h('thead', {}, h('tr', {}, ['#', t('inv.grantee'), t('dir.network'), t('inv.topics'), t('inv.access'), t('inv.expires'), t('inv.state'), ''].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, r.invitations.map((inv) => h('tr', { 'data-invitation': inv.id },
          h('td', {}, `#${inv.id}`), h('td', {}, txt(inv.grantee)), h('td', {}, txt(inv.network)),
          h('td', { class: 'mono' }, txt(inv.topics.join(', '))), h('td', {}, t(`inv.access.${inv.access}`)),
          h('td', {}, fmtDate(inv.expires_ms)),
          h('td', {}, h('span', { class: `state state-${inv.state === 'active' ? 'acknowledged' : 'cancelled'}` }, t(`inv.state.${inv.state}`))),
          h('td', {}, inv.state === 'active' ? h('button', { type: 'button', class: 'small danger', onclick: async () => {
            try { await post(`/api/admin/invitations/${Number(inv.id)}/revoke`, {}); load(); } catch (e) { clear(err).append(txt(e.message)); }
          } }, t('inv.revoke')) : null))))) : h('p', { class: 'muted' }, t('inv.none')));
      const p = await get('/api/admin/ppt');
      clear(troika).append(h('dl', { class: 'kv' },
        ['previous', 'current', 'next'].map((k) => [h('dt', {}, t(`ppt.${k}`, { year: p[k].year })), h('dd', {}, p[k].country ? txt(p[k].country) : t('ppt.unset'))])));
    } catch (e) { clear(err).append(txt(e.message)); }
  };

  const grantee = h('input', { type: 'text', autocomplete: 'off', placeholder: 'UNICEF' });
  const network = h('select', {}, options(NETWORKS, 'child'));
  const topics = h('textarea', { class: 'short' });
  const access = h('select', {}, h('option', { value: 'read' }, t('inv.access.read')), h('option', { value: 'readwrite' }, t('inv.access.readwrite')));
  const days = h('input', { type: 'text', inputmode: 'numeric', value: '30' });
  const gErr = h('div', { class: 'form-error', role: 'alert' });
  const grant = h('form', { id: 'inv-grant', novalidate: true }, h('h2', {}, t('inv.grant')), gErr,
    h('div', { class: 'row' }, field('ig-grantee', t('inv.grantee'), grantee), field('ig-network', t('dir.network'), network),
      field('ig-access', t('inv.access'), access), field('ig-days', t('inv.days'), days)),
    field('ig-topics', t('inv.topics'), topics, t('inv.topics_hint')),
    h('button', { type: 'submit' }, t('inv.grant_btn')));
  grant.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(grant);
    const d = Number(days.value);
    if (!Number.isInteger(d) || d < 1) { setFieldError(grant, 'ig-days', t('inv.days_bad')); return; }
    try {
      const r = await post('/api/admin/invitations', {
        grantee: grantee.value.trim(), network: network.value, access: access.value,
        topics: topics.value.split('\n').map((x) => x.trim()).filter(Boolean), duration: d * 86400000,
      });
      clear(ok).append(t('inv.granted', { id: r.invitation.id }));
      load();
    } catch (e) {
      const ids = { grantee: 'ig-grantee', network: 'ig-network', topics: 'ig-topics', access: 'ig-access' };
      if (!(ids[e.field] && setFieldError(grant, ids[e.field], e.message))) clear(gErr).append(txt(e.message));
    }
  });

  const country = h('select', {}, countries().filter((c) => c.member).map((c) => h('option', { value: c.code }, c.code)));
  const year = h('input', { type: 'text', inputmode: 'numeric', value: String(new Date().getFullYear()) });
  const pErr = h('div', { class: 'form-error', role: 'alert' });
  const ppt = h('form', { id: 'ppt-set' }, h('h2', {}, t('ppt.set')), pErr,
    h('div', { class: 'row' }, field('ps-country', t('ppt.country'), country), field('ps-year', t('ppt.year'), year)),
    h('button', { type: 'submit' }, t('ppt.set_btn')));
  ppt.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(ppt);
    try {
      await post('/api/admin/ppt', { country: country.value, year: Number(year.value) || null });
      load();
    } catch (e) { clear(pErr).append(txt(e.message)); }
  });

  main.append(h('h1', {}, t('nav.invitations')), err, ok,
    h('h2', {}, t('inv.title')), list, grant,
    h('h2', {}, t('ppt.title')), troika, ppt);
  load();
}
