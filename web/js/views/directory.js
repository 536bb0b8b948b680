// The directory (ST): every key of every officer with its validity and
// memberships; adding an officer with a key file; revoking a key; a new key
// for key rollover; joining or leaving a network. The hub records each
// change in its audit log with the ST's key.
import { get, post } from '../api.js';
import { h, clear, txt, fmtDate, field, setFieldError, clearErrors, options } from '../dom.js';
import { t } from '../i18n.js';
import { countries } from '../forms.js';

const ROLES = ['officer', 'focal', 'ppt', 'st', 'observer', 'admin'];
const NETWORKS = ['consular', 'trafficking', 'child', 'crm'];

function keyState(o, now) {
  if (o.revoked_ms) return ['revoked', t('dir.revoked', { at: fmtDate(o.revoked_ms) })];
  if (o.valid_until_ms && o.valid_until_ms <= now) return ['expired', t('dir.expired')];
  if (o.valid_from_ms && o.valid_from_ms > now) return ['future', t('dir.from', { at: fmtDate(o.valid_from_ms) })];
  return ['active', t('dir.active')];
}

function readFile(input) {
  const f = input.files && input.files[0];
  if (!f) return Promise.resolve('');
  if (f.size > 4096) return Promise.reject(new Error(t('dir.key_too_big')));
  return f.text();
}

function showError(form, err, e, ids) {
  const id = ids[e.field];
  if (id && setFieldError(form, id, e.message)) clear(err).append(t('compose.see_field'));
  else clear(err).append(txt(e.message));
}

export function render(main) {
  const err = h('div', { class: 'form-error', role: 'alert', id: 'dir-error' });
  const ok = h('div', { class: 'form-ok', role: 'status', id: 'dir-ok' });
  const list = h('div', { id: 'dir-list' });
  const filter = h('input', { type: 'search', id: 'dir-filter', autocomplete: 'off' });
  let officers = [];
  let now = Date.now();

  const manage = h('section', { id: 'dir-manage', hidden: true });
  const showManage = (o) => {
    const keyFile = h('input', { type: 'file', accept: '.public' });
    const from = h('input', { type: 'date' });
    const until = h('input', { type: 'date' });
    const net = h('select', {}, options(NETWORKS, 'consular'));
    const role = h('select', {}, options(ROLES, 'officer', (x) => t(`role.${x}`)));
    const e2 = h('div', { class: 'form-error', role: 'alert' });
    const act = async (path, body) => {
      clearErrors(manage);
      try {
        await post(path, body);
        clear(ok).append(t('dir.done'));
        load();
      } catch (e) { clear(e2).append(txt(e.message)); }
    };
    clear(manage).append(
      h('h2', {}, t('dir.manage'), ' ', txt(o.name), ' · ', h('span', { class: 'mono' }, txt(o.fingerprint))),
      e2,
      h('div', { class: 'toolbar' },
        h('button', { type: 'button', class: 'danger', id: 'dir-revoke', disabled: !!o.revoked_ms, onclick: () => {
          if (confirm(t('dir.revoke_confirm', { name: o.name }))) act('/api/admin/officers/revoke', { fingerprint: o.fingerprint });
        } }, t('dir.revoke'))),
      h('fieldset', {}, h('legend', {}, t('dir.new_key')),
        h('div', { class: 'row' },
          field('dk-file', t('dir.key_file'), keyFile),
          field('dk-from', t('dir.valid_from'), from),
          field('dk-until', t('dir.valid_until'), until)),
        h('button', { type: 'button', class: 'secondary', onclick: async () => {
          let key;
          try { key = await readFile(keyFile); } catch (e) { clear(e2).append(txt(e.message)); return; }
          act('/api/admin/officers/key', { fingerprint: o.fingerprint, key,
            from: from.value ? new Date(`${from.value}T00:00:00Z`).getTime() : null,
            until: until.value ? new Date(`${until.value}T00:00:00Z`).getTime() : null });
        } }, t('dir.add_key'))),
      h('fieldset', {}, h('legend', {}, t('dir.membership')),
        h('div', { class: 'row' }, field('dm-network', t('dir.network'), net), field('dm-role', t('dir.role'), role)),
        h('div', { class: 'toolbar' },
          h('button', { type: 'button', class: 'secondary', onclick: () => act('/api/admin/officers/join', { fingerprint: o.fingerprint, network: net.value, role: role.value }) }, t('dir.join')),
          h('button', { type: 'button', class: 'secondary', onclick: () => act('/api/admin/officers/leave', { fingerprint: o.fingerprint, network: net.value }) }, t('dir.leave')))));
    manage.hidden = false;
    manage.scrollIntoView({ block: 'nearest' });
  };

  const draw = () => {
    const words = filter.value.trim().toLowerCase();
    const rows = officers.filter((o) => !words || `${o.name} ${o.country} ${o.organisation} ${o.role} ${o.fingerprint} ${o.networks.join(' ')}`.toLowerCase().includes(words));
    clear(list).append(h('table', { class: 'grid' },
      h('caption', { class: 'sr' }, t('nav.directory')),
      h('thead', {}, h('tr', {}, [t('dir.name'), t('dir.where'), t('dir.role'), t('dir.networks'), t('dir.key'), t('dir.validity'), ''].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows.map((o) => {
        const [state, text] = keyState(o, now);
        return h('tr', { 'data-fingerprint': o.fingerprint },
          h('td', {}, txt(o.name)), h('td', {}, txt(o.country || o.organisation)), h('td', {}, t(`role.${o.role}`)),
          h('td', {}, txt(o.networks.join(', '))), h('td', { class: 'mono' }, txt(o.fingerprint)),
          h('td', {}, h('span', { class: `state state-${state === 'active' ? 'acknowledged' : state === 'future' ? 'pending' : 'overdue'}` }, text),
            o.valid_until_ms && !o.revoked_ms ? [' ', t('dir.until', { at: fmtDate(o.valid_until_ms) })] : null),
          h('td', {}, h('button', { type: 'button', class: 'small secondary', onclick: () => showManage(o) }, t('dir.manage_btn'))));
      }))));
  };

  const load = async () => {
    try {
      const r = await get('/api/admin/officers');
      officers = r.officers;
      now = r.now_ms;
      clear(err);
      draw();
    } catch (e) { clear(err).append(txt(e.message)); }
  };
  filter.addEventListener('input', draw);

  // Adding an officer.
  const key = h('input', { type: 'file', accept: '.public' });
  const name = h('input', { type: 'text', autocomplete: 'off' });
  const where = h('select', {}, h('option', { value: '' }, '—'),
    countries().map((c) => h('option', { value: `c:${c.code}` }, c.code)),
    ['ST', 'IOM', 'UNICEF', 'UNHCR', 'ICRC', 'UNFPA', 'CEPAL', 'SEGIB', 'CIDH', 'SICA', 'RROCM'].map((o) => h('option', { value: `o:${o}` }, o)));
  const role = h('select', {}, options(ROLES, 'officer', (x) => t(`role.${x}`)));
  const nets = h('fieldset', { id: 'da-networks' }, h('legend', {}, t('dir.networks')),
    h('div', { class: 'checks' }, NETWORKS.map((n) => h('label', {}, h('input', { type: 'checkbox', name: 'da-net', value: n }), n))),
    h('span', { class: 'error', id: 'da-networks-err' }));
  const contact = h('input', { type: 'text', autocomplete: 'off' });
  const addErr = h('div', { class: 'form-error', role: 'alert' });
  const addForm = h('form', { id: 'dir-add', novalidate: true },
    h('h2', {}, t('dir.add')), addErr,
    h('div', { class: 'row' },
      field('da-key', t('dir.key_file'), key, t('dir.key_hint')),
      field('da-name', t('dir.name'), name)),
    h('div', { class: 'row' },
      field('da-where', t('dir.where'), where),
      field('da-role', t('dir.role'), role),
      field('da-contact', t('dir.contact'), contact)),
    nets,
    h('button', { type: 'submit' }, t('dir.add_btn')));
  addForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(addForm);
    let text;
    try { text = await readFile(key); } catch (e) { setFieldError(addForm, 'da-key', e.message); return; }
    const w = where.value;
    try {
      const r = await post('/api/admin/officers', {
        key: text, name: name.value, role: role.value, contact: contact.value,
        country: w.startsWith('c:') ? w.slice(2) : '', organisation: w.startsWith('o:') ? w.slice(2) : '',
        networks: [...nets.querySelectorAll('input:checked')].map((x) => x.value),
      });
      clear(ok).append(t('dir.added', { id: r.officer.id, name: r.officer.name }));
      addForm.reset();
      load();
    } catch (e) {
      showError(addForm, addErr, e, { key: 'da-key', name: 'da-name', country: 'da-where', organisation: 'da-where', role: 'da-role', networks: 'da-networks' });
    }
  });

  main.append(h('h1', {}, t('nav.directory')), err, ok,
    h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'dir-filter' }, t('dir.filter')), filter)),
    list, manage, addForm);
  load();
}
