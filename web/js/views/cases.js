// Cases: the list with filters; one case's thread (its form's fields,
// messages, alerts and events) with close and reopen; opening a case with
// one of the six structured forms, where the hub's refusal of a field
// appears beside that field.
import { get, post } from '../api.js';
import { h, clear, txt, fmtTime, field, setFieldError, clearErrors, options } from '../dom.js';
import { t, language } from '../i18n.js';
import { store } from '../store.js';
import { messageCard } from '../message.js';
import { countries, formNames, formSpec, formLabel } from '../forms.js';
import { checkedValues } from './compose.js';

const TYPES = ['death', 'disaster', 'trafficking', 'smuggling', 'missing-child', 'unaccompanied-child', 'return-assistance', 'other'];
const NETWORKS = ['consular', 'trafficking', 'child', 'crm'];

export function render(main, ctx) {
  if (ctx.rest[0] === 'new') return renderNew(main, ctx);
  if (ctx.rest[0]) return renderCase(main, ctx, Number(ctx.rest[0]));
  return renderList(main, ctx);
}

function renderList(main, ctx) {
  const type = h('select', { id: 'cf-type' }, h('option', { value: '' }, t('cases.any')), options(TYPES, '', (x) => t(`category.${x}`)));
  const country = h('select', { id: 'cf-country' }, h('option', { value: '' }, t('cases.any')),
    countries().map((c) => h('option', { value: c.code }, c.code)));
  const state = h('select', { id: 'cf-state' }, h('option', { value: '' }, t('cases.any')),
    h('option', { value: 'open', selected: true }, t('case.state.open')), h('option', { value: 'closed' }, t('case.state.closed')));
  const err = h('p', { class: 'form-error', role: 'alert' });
  const table = h('div', { id: 'cases-list' });
  const load = async () => {
    try {
      const r = await get('/api/cases', { type: type.value, country: country.value, state: state.value });
      clear(err);
      if (!r.cases.length) { clear(table).append(h('p', { class: 'muted' }, t('cases.empty'))); return; }
      clear(table).append(h('table', { class: 'grid' },
        h('caption', { class: 'sr' }, t('nav.cases')),
        h('thead', {}, h('tr', {}, ['#', t('cases.type'), t('cases.network'), t('cases.countries'), t('cases.title'),
          t('cases.state'), t('cases.opened_by'), t('cases.updated')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, r.cases.map((c) => h('tr', { class: 'clickable', 'data-case': c.id, onclick: () => ctx.navigate(`#/cases/${c.id}`) },
          h('td', {}, h('a', { href: `#/cases/${Number(c.id)}` }, `#${c.id}`)),
          h('td', {}, t(`category.${c.type}`)), h('td', {}, txt(c.network)), h('td', {}, txt(c.countries.join(', '))),
          h('td', {}, txt(c.title)), h('td', {}, t(`case.state.${c.state}`)), h('td', {}, txt(c.opened_by)),
          h('td', {}, fmtTime(c.updated_ms)))))));
    } catch (e) {
      clear(err).append(txt(e.message));
    }
  };
  for (const el of [type, country, state]) el.addEventListener('change', load);
  main.append(h('h1', {}, t('nav.cases')),
    h('div', { class: 'toolbar' },
      h('a', { class: 'button', href: '#/cases/new' }, t('cases.new')),
      h('div', { class: 'field' }, h('label', { for: 'cf-type' }, t('cases.type')), type),
      h('div', { class: 'field' }, h('label', { for: 'cf-country' }, t('cases.country')), country),
      h('div', { class: 'field' }, h('label', { for: 'cf-state' }, t('cases.state')), state)),
    err, table);
  load();
}

function renderCase(main, ctx, id) {
  const root = h('div', { id: 'case-view' });
  const err = h('p', { class: 'form-error', role: 'alert' });
  main.append(h('p', {}, h('a', { href: '#/cases' }, `← ${t('nav.cases')}`)), err, root);
  const load = async () => {
    let c;
    try {
      c = await get(`/api/cases/${id}`);
    } catch (e) {
      clear(err).append(txt(e.message));
      return;
    }
    const note = h('input', { type: 'text', id: 'case-note' });
    const toggle = h('button', { type: 'button', class: c.state === 'open' ? 'danger' : '' },
      c.state === 'open' ? t('case.close') : t('case.reopen'));
    toggle.addEventListener('click', async () => {
      try {
        await post(`/api/cases/${id}/state`, { open: c.state !== 'open', note: note.value });
        load();
      } catch (e) { clear(err).append(txt(e.message)); }
    });
    const formMsg = c.messages.find((m) => m.seq === c.form_seq && m.form);
    clear(root).append(
      h('h1', {}, `${t('case.title', { id: c.id })} — `, txt(c.title)),
      h('dl', { class: 'kv' },
        h('dt', {}, t('cases.type')), h('dd', {}, t(`category.${c.type}`)),
        h('dt', {}, t('cases.network')), h('dd', {}, txt(c.network)),
        h('dt', {}, t('cases.countries')), h('dd', {}, txt(c.countries.join(', '))),
        h('dt', {}, t('cases.state')), h('dd', { id: 'case-state' }, t(`case.state.${c.state}`)),
        h('dt', {}, t('cases.opened_by')), h('dd', {}, txt(c.opened_by), ' · ', fmtTime(c.opened_ms)),
        c.approval ? [h('dt', {}, t('case.approval')), h('dd', {}, txt(c.approval))] : null),
      h('div', { class: 'toolbar' },
        h('a', { class: 'button secondary', href: `#/compose?case=${c.id}` }, t('case.write')),
        h('div', { class: 'field' }, h('label', { for: 'case-note' }, t('case.note')), note), toggle),
      formMsg ? h('section', {}, h('h2', {}, t('case.form', { form: formLabel(formMsg.form.type) })),
        h('dl', { class: 'kv', id: 'case-form' }, Object.entries(formMsg.form.fields).map(([k, v]) => [
          h('dt', {}, fieldOf(formMsg.form.type, k)),
          h('dd', { 'data-form-field': k }, txt(Array.isArray(v) ? v.join(', ') : String(v)))]))) : null,
      h('h2', {}, t('case.thread', { n: c.messages.length })),
      h('div', { id: 'case-thread' }, c.messages.map((m) => messageCard(m, { language: language() }))),
      h('h2', {}, t('case.alerts', { n: c.alerts.length })),
      c.alerts.length ? h('table', { class: 'grid' },
        h('thead', {}, h('tr', {}, ['#', t('compose.priority'), t('compose.headline'), t('board.countries')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, c.alerts.map((a) => h('tr', {},
          h('td', {}, `#${a.id}`), h('td', {}, t(`priority.${a.priority}`)), h('td', {}, txt(a.headline)),
          h('td', {}, a.targets.map((tg) => h('div', {}, txt(tg.country), ' ',
            h('span', { class: `state state-${tg.state.replace(' ', '-')}` }, t(`target.${tg.state}`)))))))))
        : h('p', { class: 'muted' }, t('case.no_alerts')),
      h('h2', {}, t('case.events')),
      h('ul', {}, c.events.map((e) => h('li', {}, fmtTime(e.ts_ms), ' · ', t(`case.event.${e.event}`), ' · ', txt(e.officer),
        e.note ? [' — «', txt(e.note), '»'] : null))));
  };
  load();
}

function fieldOf(type, name) {
  const f = formSpec(type);
  const fd = f && f.fields.find((x) => x.name === name);
  return fd ? fd.label[language()] || fd.label.en : name;
}

// The inputs of one form's fields, ids f-NAME (errors in f-NAME-err).
function formFields(type) {
  const spec = formSpec(type);
  if (!spec) return [];
  const lang = language();
  return spec.fields.map((fd) => {
    const label = `${fd.label[lang] || fd.label.en}${fd.required ? ' *' : ''}`;
    let input;
    if (fd.kind === 'bool') {
      input = h('input', { type: 'checkbox', 'data-kind': 'bool' });
      const id = `f-${fd.name}`;
      input.id = id;
      input.setAttribute('aria-describedby', `${id}-err`);
      return h('div', { class: 'field', 'data-field': id },
        h('label', { class: 'checks', for: id }, input, label),
        h('span', { class: 'error', id: `${id}-err` }));
    }
    if (fd.kind === 'choice') input = h('select', {}, h('option', { value: '' }, '—'), fd.choices.map((c) => h('option', { value: c }, c)));
    else if (fd.kind === 'textarea' || fd.kind === 'list') input = h('textarea', { class: 'short' });
    else if (fd.kind === 'date') input = h('input', { type: 'date' });
    else if (fd.kind === 'integer' || fd.kind === 'number') {
      input = h('input', { type: 'text', inputmode: fd.kind === 'integer' ? 'numeric' : 'decimal', autocomplete: 'off' });
    } else input = h('input', { type: 'text', autocomplete: 'off', maxlength: fd.kind === 'country' ? '2' : null });
    input.dataset.kind = fd.kind;
    if (fd.required) input.setAttribute('aria-required', 'true');
    const hint = fd.min != null && fd.max != null ? t('case.range', { min: fd.min, max: fd.max }) : null;
    return field(`f-${fd.name}`, label, input, hint);
  });
}

// The form's values as the console sends them: numbers as numbers when
// they are ("12"), else as the text typed (the hub names what is wrong).
function formValues(root, type) {
  const spec = formSpec(type);
  const fields = {};
  for (const fd of spec.fields) {
    const el = root.querySelector(`#f-${fd.name}`);
    if (!el) continue;
    if (fd.kind === 'bool') { if (el.checked) fields[fd.name] = true; continue; }
    const v = el.value.trim();
    if (!v) continue;
    if (fd.kind === 'list') fields[fd.name] = v.split('\n').map((x) => x.trim()).filter(Boolean);
    else if (fd.kind === 'integer' && /^\d{1,15}$/.test(v)) fields[fd.name] = Number(v);
    else if (fd.kind === 'number' && /^-?\d+(\.\d+)?$/.test(v)) fields[fd.name] = Number(v);
    else if (fd.kind === 'country') fields[fd.name] = v.toUpperCase();
    else fields[fd.name] = v;
  }
  return { type, fields };
}

function renderNew(main, ctx) {
  const names = formNames();
  const type = h('select', {}, options(TYPES, 'death', (x) => t(`category.${x}`)));
  const title = h('input', { type: 'text', maxlength: '200', autocomplete: 'off' });
  const network = h('select', {}, h('option', { value: '' }, t('case.network_default')), options(NETWORKS, ''));
  const formType = h('select', {}, h('option', { value: '' }, t('compose.none')), names.map((n) => h('option', { value: n }, formLabel(n))));
  const formBox = h('fieldset', { id: 'case-form-fields' });
  const me = store.me;
  const ccs = h('fieldset', { id: 'n-countries', 'aria-describedby': 'n-countries-err' },
    h('legend', {}, t('cases.countries')),
    h('div', { class: 'checks' }, countries().map((c) => h('label', {},
      h('input', { type: 'checkbox', name: 'n-countries', value: c.code, checked: c.code === me.country }), c.code))),
    h('span', { class: 'error', id: 'n-countries-err' }));
  const err = h('div', { class: 'form-error', role: 'alert', id: 'n-error' });
  const send = h('button', { type: 'submit', id: 'n-send' }, t('cases.open'));
  const form = h('form', { id: 'case-new', novalidate: true }, err,
    h('div', { class: 'row' },
      field('n-type', t('cases.type'), type),
      field('n-network', t('cases.network'), network),
      field('n-form', t('case.form_type'), formType)),
    field('n-title', t('cases.title'), title),
    ccs, formBox, send);
  const showForm = () => {
    formBox.hidden = !formType.value;
    clear(formBox).append(h('legend', {}, formType.value ? formLabel(formType.value) : ''), ...formFields(formType.value));
  };
  // A case type suggests its form.
  type.addEventListener('change', () => {
    const match = names.find((n) => formSpec(n).case_type === type.value);
    if (match) { formType.value = match; showForm(); }
  });
  formType.addEventListener('change', showForm);
  formType.value = 'death';
  showForm();

  const fieldIds = { type: 'n-type', title: 'n-title', countries: 'n-countries', network: 'n-network', 'form.type': 'n-form' };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const req = {
      type: type.value, title: title.value, network: network.value,
      countries: checkedValues(ccs, 'n-countries'),
      form: formType.value ? formValues(formBox, formType.value) : null,
    };
    send.disabled = true;
    try {
      const r = await post('/api/cases', req);
      ctx.navigate(`#/cases/${r.id}`);
    } catch (e) {
      let id = fieldIds[e.field];
      if (!id && e.field.startsWith('form.')) id = `f-${e.field.slice(5)}`;
      if (id && setFieldError(form, id, e.message)) {
        clear(err).append(t('compose.see_field'));
        form.querySelector(`#${CSS.escape(id)}`).focus();
      } else {
        clear(err).append(txt(e.message));
      }
    } finally {
      send.disabled = false;
    }
  });
  main.append(h('p', {}, h('a', { href: '#/cases' }, `← ${t('nav.cases')}`)), h('h1', {}, t('cases.new')), form);
}
