// Compose: a message or an alert, on a topic of one of the officer's
// networks, with its TLP label, named recipients (picked from the
// directory), handling code, evaluation, personal-data mark and case. The
// hub's refusal appears beside the field it concerns.
import { get, post } from '../api.js';
import { h, clear, txt, field, setFieldError, clearErrors, options } from '../dom.js';
import { t, language } from '../i18n.js';
import { store } from '../store.js';
import { countries } from '../forms.js';

const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
const PRIORITIES = ['routine', 'priority', 'urgent', 'flash'];
const CATEGORIES = ['death', 'disaster', 'trafficking', 'smuggling', 'missing-child', 'unaccompanied-child', 'return-assistance', 'other'];

// Where the console's field names land in this page.
const FIELD_IDS = {
  topic: 'c-topic', body: 'c-body', tlp: 'c-tlp', recipients: 'c-recipients', handling: 'c-handling',
  handling_text: 'c-handling-text', evaluation: 'c-reliability', case: 'c-case',
  'alert.priority': 'c-priority', 'alert.category': 'c-category', 'alert.countries': 'c-countries',
  'alert.headline': 'c-headline', 'alert.status': 'c-status', 'alert.urgency': 'c-urgency',
  'alert.severity': 'c-severity', 'alert.certainty': 'c-certainty', 'alert.area': 'c-area',
  'alert.expires': 'c-expires', 'alert.language': 'c-language',
  'alert.translation.language': 'c-tr-language', 'alert.translation.headline': 'c-tr-headline',
  'alert.translation.description': 'c-tr-description',
};

function networksOf(me) {
  const nets = me.networks.filter((n) => n.role !== 'observer').map((n) => n.network);
  return nets.length ? nets : ['consular', 'trafficking', 'child', 'crm'];
}

function countryChecks(id, selected) {
  const lang = language();
  return h('fieldset', { id, 'aria-describedby': `${id}-err` },
    h('legend', {}, t('compose.countries')),
    h('div', { class: 'checks' }, countries().map((c) => h('label', {},
      h('input', { type: 'checkbox', value: c.code, checked: selected.includes(c.code), name: id }),
      `${c.code} · ${c.name[lang] || c.name.en}`))),
    h('span', { class: 'error', id: `${id}-err` }));
}

export function checkedValues(root, name) {
  return [...root.querySelectorAll(`input[name="${name}"]:checked`)].map((x) => x.value);
}

export function render(main, ctx) {
  const me = store.me;
  const isAlert = ctx.query.get('alert') === '1';
  const presetCase = ctx.query.get('case') || '';
  const nets = networksOf(me);

  const kind = h('select', {}, h('option', { value: 'message', selected: !isAlert }, t('compose.kind.message')),
    h('option', { value: 'alert', selected: isAlert }, t('compose.kind.alert')));
  const network = h('select', {}, options(nets, nets[0]));
  const subtopic = h('input', { type: 'text', autocomplete: 'off', value: me.country ? `death/${me.country}` : 'announce' });
  const topicShown = h('output', { class: 'mono', id: 'c-topic-full' });
  const tlp = h('select', {}, options(TLPS, 'AMBER', (x) => `TLP:${x} — ${t(`tlp.${x}.hint`)}`));
  const handling = h('select', {}, h('option', { value: '' }, t('compose.none')),
    ['H0', 'H1', 'H2', 'H3'].map((x) => h('option', { value: x }, `${x} — ${t(`handling.${x}.hint`)}`)));
  const handlingText = h('input', { type: 'text', disabled: true });
  const reliability = h('select', {}, h('option', { value: '' }, '—'),
    ['A', 'B', 'C', 'X'].map((x) => h('option', { value: x }, `${x} — ${t(`reliability.${x}`)}`)));
  const accuracy = h('select', {}, h('option', { value: '' }, '—'),
    ['1', '2', '3', '4'].map((x) => h('option', { value: x }, `${x} — ${t(`accuracy.${x}`)}`)));
  const personal = h('input', { type: 'checkbox', id: 'c-personal' });
  const caseSel = h('select', {}, h('option', { value: '' }, t('compose.no_case')));
  const body = h('textarea', {});
  const recipientFilter = h('input', { type: 'search', id: 'c-recipient-filter', autocomplete: 'off' });
  const recipientList = h('div', { class: 'checks', id: 'c-recipient-list' });
  const manualFp = h('input', { type: 'text', id: 'c-recipient-fp', placeholder: 'ABCD-EFGH-IJKL-MNOP', autocomplete: 'off' });
  const recipients = h('fieldset', { id: 'c-recipients', 'aria-describedby': 'c-recipients-err' },
    h('legend', {}, t('compose.recipients')),
    h('p', { class: 'hint muted', id: 'c-recipients-source' }),
    h('div', { class: 'field' }, h('label', { for: 'c-recipient-filter' }, t('compose.recipient_filter')), recipientFilter),
    recipientList,
    h('div', { class: 'row' },
      h('div', { class: 'field' }, h('label', { for: 'c-recipient-fp' }, t('compose.recipient_fp')), manualFp),
      h('button', { type: 'button', class: 'secondary small', onclick: () => addManual() }, t('compose.add'))),
    h('span', { class: 'error', id: 'c-recipients-err' }));

  // The alert's part.
  const priority = h('select', {}, options(PRIORITIES, 'urgent', (x) => t(`priority.${x}`)));
  const category = h('select', {}, options(CATEGORIES, 'death', (x) => t(`category.${x}`)));
  const headline = h('input', { type: 'text', maxlength: '200', autocomplete: 'off' });
  const status = h('select', {}, h('option', { value: 'actual' }, t('status.actual')), h('option', { value: 'exercise' }, t('status.exercise')));
  const urgency = h('select', {}, options(['', 'immediate', 'expected', 'future', 'past'], '', (x) => (x ? t(`urgency.${x}`) : '—')));
  const severity = h('select', {}, options(['', 'extreme', 'severe', 'moderate', 'minor'], '', (x) => (x ? t(`severity.${x}`) : '—')));
  const certainty = h('select', {}, options(['', 'observed', 'likely', 'possible', 'unlikely'], '', (x) => (x ? t(`certainty.${x}`) : '—')));
  const area = h('input', { type: 'text', autocomplete: 'off' });
  const expires = h('input', { type: 'datetime-local' });
  const alertLang = h('select', {}, options(['es', 'en'], language() === 'en' ? 'en' : 'es', (x) => t(`lang.${x}`)));
  const trLang = h('select', {}, options(['', 'es', 'en'], '', (x) => (x ? t(`lang.${x}`) : t('compose.none'))));
  const trHeadline = h('input', { type: 'text', maxlength: '200' });
  const trDescription = h('textarea', { class: 'short' });
  const alertPart = h('fieldset', { id: 'c-alert' },
    h('legend', {}, t('compose.alert_part')),
    h('div', { class: 'row' },
      field('c-priority', t('compose.priority'), priority),
      field('c-category', t('compose.category'), category),
      field('c-status', t('compose.status'), status)),
    countryChecks('c-countries', me.country ? [me.country] : []),
    field('c-headline', t('compose.headline'), headline, t('compose.headline_hint')),
    h('div', { class: 'row' },
      field('c-urgency', t('compose.urgency'), urgency),
      field('c-severity', t('compose.severity'), severity),
      field('c-certainty', t('compose.certainty'), certainty)),
    h('div', { class: 'row' },
      field('c-area', t('compose.area'), area),
      field('c-expires', t('compose.expires'), expires),
      field('c-language', t('compose.language'), alertLang)),
    h('details', {}, h('summary', {}, t('compose.translation')),
      field('c-tr-language', t('compose.tr_language'), trLang),
      field('c-tr-headline', t('compose.tr_headline'), trHeadline),
      field('c-tr-description', t('compose.tr_description'), trDescription)));

  const err = h('div', { class: 'form-error', role: 'alert', id: 'c-error' });
  const ok = h('div', { class: 'form-ok', role: 'status', id: 'c-ok' });
  const send = h('button', { type: 'submit', id: 'c-send' });
  const form = h('form', { id: 'compose-form', novalidate: true },
    err, ok,
    h('div', { class: 'row' },
      field('c-kind', t('compose.kind'), kind),
      field('c-network', t('compose.network'), network),
      field('c-topic', t('compose.topic'), subtopic, t('compose.topic_hint'))),
    h('p', {}, t('compose.topic_full'), ' ', topicShown),
    alertPart,
    h('div', { class: 'row' },
      field('c-tlp', t('compose.tlp'), tlp),
      field('c-case', t('compose.case'), caseSel)),
    recipients,
    h('div', { class: 'row' },
      field('c-handling', t('compose.handling'), handling),
      field('c-handling-text', t('compose.handling_text'), handlingText)),
    h('div', { class: 'row' },
      field('c-reliability', t('compose.reliability'), reliability),
      field('c-accuracy', t('compose.accuracy'), accuracy)),
    h('div', { class: 'field' }, h('label', { class: 'checks', for: 'c-personal' }, personal, t('compose.personal'))),
    field('c-body', t('compose.body'), body),
    send);

  const update = () => {
    const a = kind.value === 'alert';
    alertPart.hidden = !a;
    send.textContent = a ? t('compose.raise') : t('compose.send');
    topicShown.textContent = `${network.value}/${subtopic.value.replace(/^\/+/, '')}`;
    handlingText.disabled = handling.value !== 'H3';
    recipients.querySelector('legend').textContent = tlp.value === 'RED' ? t('compose.recipients_red') : t('compose.recipients');
  };
  for (const el of [kind, network, subtopic, handling, tlp]) {
    el.addEventListener('input', update);
    el.addEventListener('change', update);
  }

  let people = [];
  const showPeople = () => {
    const words = recipientFilter.value.trim().toLowerCase();
    const checked = new Set(checkedValues(recipientList, 'recipient'));
    clear(recipientList).append(...people
      .filter((p) => checked.has(p.fingerprint) || !words || `${p.name} ${p.country} ${p.fingerprint}`.toLowerCase().includes(words))
      .map((p) => h('label', {},
        h('input', { type: 'checkbox', name: 'recipient', value: p.fingerprint, checked: checked.has(p.fingerprint) }),
        txt(p.name), p.country ? [' (', txt(p.country), ') '] : ' ', h('span', { class: 'mono' }, txt(p.fingerprint)))));
  };
  const addManual = () => {
    const fp = manualFp.value.trim().toUpperCase();
    if (!/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/.test(fp)) {
      setFieldError(form, 'c-recipient-fp', t('compose.bad_fp'));
      return;
    }
    if (!people.some((p) => p.fingerprint === fp)) people.unshift({ name: t('compose.by_hand'), country: '', fingerprint: fp });
    showPeople();
    recipientList.querySelector(`input[value="${fp}"]`).checked = true;
    manualFp.value = '';
  };
  recipientFilter.addEventListener('input', showPeople);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const a = kind.value === 'alert';
    const req = {
      topic: topicShown.textContent,
      body: body.value,
      tlp: tlp.value,
      recipients: checkedValues(recipientList, 'recipient'),
      handling: handling.value,
      handling_text: handling.value === 'H3' ? handlingText.value : '',
      evaluation: reliability.value && accuracy.value ? `${reliability.value}${accuracy.value}` : '',
      personal: personal.checked,
      case: caseSel.value ? Number(caseSel.value) : null,
    };
    if ((reliability.value === '') !== (accuracy.value === '')) {
      setFieldError(form, 'c-reliability', t('compose.evaluation_both'));
      return;
    }
    if (a) {
      req.alert = {
        priority: priority.value, category: category.value, headline: headline.value,
        countries: checkedValues(alertPart, 'c-countries'), status: status.value,
        urgency: urgency.value, severity: severity.value, certainty: certainty.value,
        area: area.value, language: alertLang.value,
        translation: trLang.value ? { language: trLang.value, headline: trHeadline.value, description: trDescription.value } : null,
      };
      if (expires.value) req.alert.expires = new Date(expires.value).getTime();
    }
    send.disabled = true;
    try {
      const r = await post('/api/publish', req);
      clear(ok).append(a ? t('compose.raised', { id: r.seq }) : t('compose.stored', { seq: r.seq }));
      body.value = '';
      headline.value = '';
    } catch (e) {
      const id = FIELD_IDS[e.field];
      if (!id || !setFieldError(form, id, e.message)) clear(err).append(txt(e.message));
      else clear(err).append(t('compose.see_field'));
    } finally {
      send.disabled = false;
    }
  });

  main.append(h('h1', {}, isAlert ? t('compose.title_alert') : t('nav.compose')), form);
  update();

  get('/api/directory').then((r) => {
    people = r.people;
    store.people = r.people;
    form.querySelector('#c-recipients-source').textContent = t(r.source === 'directory' ? 'compose.people_directory' : 'compose.people_seen');
    showPeople();
  }).catch(() => {});
  get('/api/cases', { state: 'open' }).then((r) => {
    for (const c of r.cases) {
      const o = h('option', { value: c.id }, `#${c.id} · `, txt(c.title));
      if (String(c.id) === presetCase) o.selected = true;
      caseSel.append(o);
    }
  }).catch(() => {});
}
