// message.js: how a message is shown: its labels first (TLP colour,
// handling and evaluation codes, personal data), then author, country and
// the signature mark, then its content. Everything that came from the hub
// or an author is text (dom.js's txt); nothing becomes a link.
import { h, txt, setText, fmtTime, fmtShortTime } from './dom.js';
import { t } from './i18n.js';
import { personName } from './store.js';
import { formLabel, fieldLabel } from './forms.js';

export function tlpBadge(tlp) {
  return h('span', { class: `tlp tlp-${tlp}`, title: t(`tlp.${tlp}.hint`) }, `TLP:${tlp}`);
}

export function labels(m) {
  const out = [tlpBadge(m.tlp)];
  if (m.alert) {
    out.push(h('span', { class: `badge alert-${m.alert.priority}` },
      t('msg.alert', { priority: t(`priority.${m.alert.priority}`), id: m.seq })));
    if (m.alert.status === 'exercise') out.push(h('span', { class: 'badge drill' }, t('banner.drill')));
    if (m.alert.msg_type !== 'alert') out.push(h('span', { class: 'badge' }, t(`msgtype.${m.alert.msg_type}`)));
  }
  if (m.escalation) out.push(h('span', { class: 'badge esc' }, t('msg.escalation', m.escalation)));
  if (m.handling) out.push(h('span', { class: 'badge', title: t(`handling.${m.handling}.hint`) }, txt(m.handling)));
  if (m.evaluation) out.push(h('span', { class: 'badge', title: t('msg.evaluation_hint') }, txt(m.evaluation)));
  if (m.personal_data) out.push(h('span', { class: 'badge pd' }, t('msg.personal')));
  if (m.sealed) out.push(h('span', { class: 'badge', title: t('msg.sealed_hint') }, t('msg.sealed')));
  return out;
}

export function verifiedMark() {
  return h('span', { class: 'verified', title: t('msg.verified_hint') }, `✔ ${t('msg.verified')}`);
}

// The first line of what a message says, for a list row.
// A sealed message this officer's key does not open: why, in words.
function sealedClosed(m) {
  return m.sealed && !m.sealed.opened
    ? t(m.sealed.why === 'damaged' ? 'msg.sealed_damaged' : 'msg.sealed_closed') : null;
}

export function snippet(m) {
  if (m.escalation) return t('msg.escalation_snippet', m.escalation);
  if (sealedClosed(m)) return sealedClosed(m);
  if (m.alert) return m.alert.headline;
  if (m.body != null) return m.body.split('\n', 1)[0];
  return t('msg.binary');
}

function formTable(form) {
  const rows = [];
  for (const [name, value] of Object.entries(form.fields || {})) {
    rows.push(h('dt', {}, fieldLabel(form.type, name)),
      h('dd', { 'data-form-field': name }, txt(Array.isArray(value) ? value.join(', ') : String(value))));
  }
  return h('section', { class: 'form-view' },
    h('h3', {}, t('msg.form', { form: formLabel(form.type) })),
    h('dl', { class: 'kv' }, rows));
}

function recipients(m) {
  if (!m.recipients || m.recipients.length === 0) return null;
  return h('p', { class: 'recipients' }, h('strong', {}, `${t('msg.recipients')}: `),
    m.recipients.map((fp, i) => {
      const name = personName(fp);
      return h('span', {}, i ? ', ' : '', name ? txt(name) : '', name ? ' ' : '', h('span', { class: 'mono' }, txt(fp)));
    }));
}

// A whole message, as a card.
export function messageCard(m, opts = {}) {
  const headline = m.alert ? h('p', { class: 'headline' }, txt(m.alert.headline)) : null;
  const translated = m.translation && opts.language && m.translation.language === opts.language;
  let body;
  if (sealedClosed(m)) body = h('p', { class: 'muted' }, sealedClosed(m));
  else if (m.body != null) body = h('div', { class: 'body-text msg-body' }, txt(translated ? m.translation.description : m.body));
  else body = h('p', { class: 'muted' }, t('msg.binary'));
  return h('article', { class: `msg-card${m.alert ? ' is-alert' : ''}`, 'data-seq': m.seq },
    h('div', { class: 'labels' }, labels(m)),
    h('div', { class: 'meta' },
      h('span', { class: 'author' }, txt(m.author.name)),
      h('span', {}, txt(m.author.country)),
      h('span', { class: 'mono' }, txt(m.author.fingerprint)),
      verifiedMark()),
    h('div', { class: 'meta' },
      h('span', {}, `#${m.seq}`),
      h('span', { class: 'mono' }, txt(m.topic)),
      h('span', {}, t('msg.stored_at', { at: fmtTime(m.stored_ms) })),
      m.case ? h('a', { href: `#/cases/${Number(m.case)}` }, t('msg.case', { id: m.case })) : null,
      m.consult ? h('a', { href: `#/consult/${Number(m.consult.id)}` }, t('msg.consult', { id: m.consult.id })) : null),
    m.alert ? h('p', { class: 'meta' },
      t('msg.alert_line', { category: t(`category.${m.alert.category}`) }), ' ', txt(m.alert.countries.join(', '))) : null,
    m.handling_text ? h('p', { class: 'meta' }, `${t('msg.handling_text')}: `, txt(m.handling_text)) : null,
    recipients(m),
    translated ? h('p', { class: 'headline' }, txt(m.translation.headline)) : headline,
    body,
    m.form && m.form.type ? formTable(m.form) : null,
    m.translation && !translated ? h('details', {},
      h('summary', {}, t('msg.translation', { language: m.translation.language })),
      h('p', { class: 'headline' }, txt(m.translation.headline)),
      h('div', { class: 'body-text' }, txt(m.translation.description))) : null);
}

// One row of the inbox's list. The virtual list reuses row elements as
// they scroll out and back in: the row's parts are made once, then only
// their text changes.
export function fillRow(el, m) {
  let p = el.__parts;
  if (!p) {
    p = el.__parts = {
      labels: h('span', { class: 'labels' }), who: h('span', { class: 'who ut' }),
      country: h('span', { class: 'muted ut' }), verified: verifiedMark(),
      when: h('span', { class: 'when' }), topic: h('span', { class: 'topic ut' }),
      snippet: h('span', { class: 'snippet ut' }),
    };
    el.replaceChildren(
      h('div', { class: 'l1' }, p.labels, p.who, p.country, p.verified, p.when),
      h('div', { class: 'l2' }, p.topic, p.snippet));
  }
  el.classList.toggle('is-alert', !!m.alert);
  el.dataset.seq = m.seq;
  p.labels.replaceChildren(...labels(m));
  setText(p.who, m.author.name);
  setText(p.country, m.author.country);
  p.when.textContent = fmtShortTime(m.stored_ms);
  setText(p.topic, m.topic);
  setText(p.snippet, snippet(m));
}
