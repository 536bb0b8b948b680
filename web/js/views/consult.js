// Consultations: the PPT's written consultation. The list of those the
// officer may see (the hub decides: an observer sees none, a country
// outside the Troika none until round 1), the form that opens one (for
// the PPT), and one consultation: its facts, the board of who answered
// what with each deadline in the reader's own time and in the country's
// zone, the answer for the reader's country, the PPT's steps (advance,
// revise, close), its texts with what changed between the last two, the
// report and the events. The board refreshes when a step or a reminder
// of this consultation arrives in the live feed, and every 30 s; the time
// left counts down every second without asking the hub.
import { get, post } from '../api.js';
import { h, clear, txt, fmtTime, fmtDuration, field, setFieldError, clearErrors } from '../dom.js';
import { t } from '../i18n.js';
import { store, onMessages } from '../store.js';
import { lineDiff } from '../diff.js';

const TROIKA_ANSWERS = ['agree', 'object'];
const ROUND_ANSWERS = ['no-objection', 'comments', 'objection'];
const NEEDS_TEXT = new Set(['object', 'comments', 'objection']);

// A word of the hub's vocabulary in the page's language; the word itself
// if the page does not know it yet.
function word(prefix, v) {
  const key = `${prefix}.${v}`;
  const s = t(key);
  return s === key ? v : s;
}

function stageName(stage) { return word('consult.stage', stage); }

// The reader's own zone, as the browser knows it.
function ownZone() {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { return ''; }
}

// An instant in a country's zone: "2026-12-10 17:00 America/Tegucigalpa",
// or, for a deadline at a local midnight, "end of 2026-12-10 ...".
function inZone(ms, zone) {
  const parts = (at) => {
    const f = new Intl.DateTimeFormat('en-CA', { timeZone: zone || 'UTC', year: 'numeric', month: '2-digit',
      day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const p = {};
    for (const x of f.formatToParts(new Date(at))) p[x.type] = x.value;
    return p;
  };
  let p;
  try { p = parts(ms); } catch (e) { zone = 'UTC'; p = parts(ms); }
  const z = zone || 'UTC';
  if (p.hour === '00' && p.minute === '00' && ms % 60000 === 0) {
    const q = parts(ms - 1);
    return t('consult.end_of', { date: `${q.year}-${q.month}-${q.day}`, zone: z });
  }
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${z}`;
}

function leftText(deadline, skew) {
  const left = deadline - (Date.now() + skew);
  return left >= 0 ? t('board.left', { left: fmtDuration(left) }) : t('board.late', { late: fmtDuration(-left) });
}

export function render(main, ctx) {
  if (ctx.rest[0] && /^\d+$/.test(ctx.rest[0])) return renderOne(main, ctx, Number(ctx.rest[0]));
  return renderList(main, ctx);
}

// ---------------------------------------------------------------- the list

function renderList(main, ctx) {
  const openOnly = h('input', { id: 'consult-open', type: 'checkbox' });
  const err = h('p', { class: 'form-error', role: 'alert', id: 'consult-list-error' });
  const table = h('div', { id: 'consult-list', 'aria-live': 'polite' });
  const newBox = h('div', { id: 'consult-new-box' });
  const load = async () => {
    try {
      const r = await get('/api/consult', { open: openOnly.checked ? 1 : '' });
      clear(err);
      if (!r.consultations.length) { clear(table).append(h('p', { class: 'muted' }, t('consult.empty'))); return; }
      clear(table).append(h('table', { class: 'grid' },
        h('caption', { class: 'sr' }, t('nav.consult')),
        h('thead', {}, h('tr', {}, ['#', t('consult.title'), t('consult.stage'), t('consult.state'), t('consult.opened'),
          t('consult.answered'), t('consult.outcome')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, r.consultations.map((c) => h('tr', { 'data-consult': c.id },
          h('td', {}, h('a', { href: `#/consult/${Number(c.id)}` }, `#${c.id}`)),
          h('td', {}, h('a', { href: `#/consult/${Number(c.id)}` }, txt(c.title))),
          h('td', {}, stageName(c.stage)),
          h('td', {}, word('consult.state', c.state)),
          h('td', {}, fmtTime(c.opened_ms), ' · ', txt(c.opened_by), ' (', txt(c.ppt), ')'),
          h('td', {}, c.state === 'closed' ? '' : t('consult.n_of_m', { n: c.answered, m: c.addressed })),
          h('td', {}, c.outcome ? word('consult.outcome', c.outcome) : '',
            c.reason ? [' — «', txt(c.reason), '»'] : null))))));
    } catch (e) {
      clear(err).append(txt(e.message));
    }
  };
  openOnly.addEventListener('change', load);
  main.append(h('h1', {}, t('nav.consult')),
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', class: 'secondary', onclick: load }, t('board.refresh')),
      h('label', { class: 'checks', for: 'consult-open' }, openOnly, t('consult.open_only'))),
    err, table, newBox);
  load();
  // The PPT may open one: the hub says so by showing the draft.
  get('/api/consult/draft').then((d) => newBox.append(openForm(ctx, d))).catch(() => {});
  const off = onMessages((n) => {
    if (store.messages.slice(-n).some((m) => m.consult)) load();
  });
  return off;
}

function openForm(ctx, d) {
  const title = h('input', { type: 'text', maxlength: '200', autocomplete: 'off' });
  const text = h('textarea', {});
  const err = h('div', { class: 'form-error', role: 'alert', id: 'co-error' });
  const send = h('button', { type: 'submit', id: 'co-send' }, t('consult.open'));
  const form = h('form', { id: 'consult-new', novalidate: true },
    h('h2', {}, t('consult.new')),
    h('p', { class: 'muted' }, t('consult.new_hint', { troika: d.draft.troika.join(', ') || '—', n: d.addressees })),
    err, field('co-title', t('consult.title'), title), field('co-text', t('consult.text'), text), send);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    send.disabled = true;
    try {
      const r = await post('/api/consult', { title: title.value, text: text.value });
      ctx.navigate(`#/consult/${Number(r.id)}`);
    } catch (e) {
      showError(form, err, { title: 'co-title', text: 'co-text' }, e);
    } finally {
      send.disabled = false;
    }
  });
  return form;
}

// The hub's (or the console's) refusal: beside the field it names, else
// at the top of the form.
function showError(form, err, ids, e) {
  const id = ids[e.field];
  if (id && setFieldError(form, id, e.message)) {
    clear(err).append(t('compose.see_field'));
    form.querySelector(`#${CSS.escape(id)}`).focus();
  } else {
    clear(err).append(txt(e.message));
  }
}

// ---------------------------------------------------------------- one

function renderOne(main, ctx, id) {
  const err = h('p', { class: 'form-error', role: 'alert', id: 'consult-error' });
  const head = h('div', { id: 'consult-head' });
  const board = h('section', { id: 'consult-board', 'aria-live': 'polite' });
  const actions = h('div', { id: 'consult-actions' });
  const texts = h('section', { id: 'consult-texts' });
  const events = h('section', { id: 'consult-events' });
  const root = h('div', { id: 'consult-view', 'data-consult': id }, head, board, actions, texts, events);
  main.append(h('p', {}, h('a', { href: '#/consult' }, `← ${t('nav.consult')}`)), err, root);
  let lead = false;
  let shownKey = '';
  let skew = 0;
  let busy = false;
  let again = false;

  const load = async () => {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const c = await get(`/api/consult/${id}`);
      skew = c.now_ms - Date.now();
      clear(err);
      root.dataset.stage = c.consultation.stage;
      root.dataset.state = c.consultation.state;
      showHead(head, c);
      showBoard(board, c, skew);
      showTexts(texts, c);
      showEvents(events, c);
      // The forms are made again only when what they offer changes, so a
      // refresh never loses what the officer is typing.
      const mine = myTarget(c);
      const key = `${c.consultation.state} ${c.consultation.stage} ${c.consultation.version} ${lead} ${!!mine}`;
      if (key !== shownKey) {
        shownKey = key;
        clear(actions).append(...forms(c, mine, lead, load));
      }
    } catch (e) {
      clear(err).append(txt(e.message));
      clear(head);
      clear(board);
      clear(actions);
      clear(texts);
      clear(events);
      shownKey = '';
    } finally {
      busy = false;
      if (again) { again = false; load(); }
    }
  };
  get('/api/consult/draft').then(() => { lead = true; load(); }).catch(() => {});
  load();
  const timer = setInterval(load, 30000);
  const tick = setInterval(() => {
    for (const el of board.querySelectorAll('[data-deadline]')) el.textContent = leftText(Number(el.dataset.deadline), skew);
  }, 1000);
  // A step or the hub's reminder about this consultation: its board again.
  const off = onMessages((n) => {
    if (store.messages.slice(-n).some((m) => m.consult && Number(m.consult.id) === id)) load();
  });
  return () => { clearInterval(timer); clearInterval(tick); off(); };
}

// The reader's country in the current stage, if it is addressed.
function myTarget(c) {
  const me = store.me;
  if (c.consultation.state !== 'open' || !me.country) return null;
  return c.targets.find((x) => x.stage === c.consultation.stage && x.country === me.country) || null;
}

function showHead(el, c) {
  const k = c.consultation;
  clear(el).append(
    h('h1', {}, `${t('consult.heading', { id: k.id })} — `, txt(k.title)),
    h('dl', { class: 'kv' },
      h('dt', {}, t('consult.stage')), h('dd', { id: 'consult-stage' }, stageName(k.stage)),
      h('dt', {}, t('consult.state')), h('dd', { id: 'consult-state' }, word('consult.state', k.state)),
      h('dt', {}, t('consult.ppt')), h('dd', {}, txt(k.ppt)),
      h('dt', {}, t('consult.opened')), h('dd', {}, fmtTime(k.opened_ms), ' · ', txt(k.opened_by)),
      k.troika.length ? [h('dt', {}, t('consult.troika')), h('dd', {}, txt(k.troika.join(', ')))] : null,
      h('dt', {}, t('consult.version')), h('dd', {}, String(k.version)),
      k.state === 'closed'
        ? [h('dt', {}, t('consult.outcome')), h('dd', { id: 'consult-outcome' }, word('consult.outcome', k.outcome),
          k.reason ? [' — «', txt(k.reason), '»'] : null, ' · ', fmtTime(k.closed_ms))]
        : [h('dt', {}, t('consult.answered')), h('dd', {}, t('consult.n_of_m', { n: k.answered, m: k.addressed }))]));
}

function targetRow(tg, skew, current) {
  const zone = ownZone();
  const answer = tg.answer
    ? [h('strong', {}, word('consult.answer', tg.answer)), ' ',
      t('consult.answered_by', { at: fmtTime(tg.answered_ms) }), ' ', txt(tg.answered_by),
      tg.late ? [' ', h('span', { class: 'badge esc' }, t('consult.late'))] : null,
      tg.answers > 1 ? [' ', t('consult.latest_of', { n: tg.answers })] : null,
      tg.text ? h('div', { class: 'body-text consult-answer-text' }, txt(tg.text)) : null]
    : h('span', { class: 'muted' }, t('consult.no_answer_yet'));
  let deadline = h('span', { class: 'muted' }, t('consult.no_deadline'));
  if (tg.deadline_ms) {
    const open = current && tg.state === 'pending';
    deadline = [
      h('div', { class: 'consult-deadline-own' }, t('consult.your_time', { at: fmtTime(tg.deadline_ms), zone })),
      h('div', { class: 'consult-deadline-zone muted' }, t('consult.their_time', { at: inZone(tg.deadline_ms, tg.zone) })),
      open ? h('div', { 'data-deadline': tg.deadline_ms }, leftText(tg.deadline_ms, skew)) : null,
      tg.step >= 1 && tg.step <= 4 ? h('div', { class: 'muted' }, t(`consult.step.${tg.step}`)) : null];
  }
  return h('tr', { 'data-country': tg.country, 'data-stage': tg.stage, 'data-state': tg.state, 'data-answer': tg.answer },
    h('th', { scope: 'row', class: 'mono' }, txt(tg.country)),
    h('td', {}, h('span', { class: `state consult-${tg.state}` }, word('consult.target', tg.state))),
    h('td', {}, answer),
    h('td', {}, deadline));
}

function showBoard(el, c, skew) {
  const stages = [...new Set(c.targets.map((x) => x.stage))].sort((a, b) => b - a);
  clear(el).append(h('h2', {}, t('consult.board')));
  if (!stages.length) { el.append(h('p', { class: 'muted' }, t('consult.board_empty'))); return; }
  for (const s of stages) {
    const current = s === c.consultation.stage && c.consultation.state === 'open';
    const rows = c.targets.filter((x) => x.stage === s);
    el.append(h('table', { class: 'grid consult-board', id: `consult-board-${s}`, 'data-stage': s },
      h('caption', {}, stageName(s), current ? ` · ${t('consult.current')}` : ''),
      h('thead', {}, h('tr', {}, [t('consult.country'), t('consult.state'), t('consult.answer'), t('consult.deadline')]
        .map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows.map((tg) => targetRow(tg, skew, current)))));
  }
}

function showTexts(el, c) {
  const v = c.versions;
  clear(el).append(h('h2', {}, t('consult.texts')));
  if (!v.length) { el.append(h('p', { class: 'muted' }, t('consult.no_text'))); return; }
  const last = v[v.length - 1];
  el.append(h('h3', {}, t('consult.version_line', { v: last.version, stage: stageName(last.stage), at: fmtTime(last.ts_ms) })),
    h('div', { class: 'body-text', id: 'consult-text' }, last.readable ? txt(last.text) : t('consult.unreadable')));
  if (v.length >= 2) {
    const prev = v[v.length - 2];
    const d = prev.readable && last.readable ? lineDiff(prev.text, last.text) : null;
    el.append(h('h3', {}, t('consult.changed', { a: prev.version, b: last.version })),
      d ? h('div', { class: 'diff', id: 'consult-diff', role: 'group', 'aria-label': t('consult.changed', { a: prev.version, b: last.version }) },
        d.map(([mark, line]) => h('div', { class: mark === '+' ? 'diff-add' : mark === '-' ? 'diff-del' : 'diff-same', 'data-mark': mark },
          h('span', { class: 'diff-mark', 'aria-label': t(mark === '+' ? 'consult.added' : mark === '-' ? 'consult.removed' : 'consult.kept') }, mark), ' ', txt(line))))
        : h('p', { class: 'muted' }, t('consult.too_long')));
    for (let i = v.length - 2; i >= 0; i--) {
      el.append(h('details', { class: 'consult-version', 'data-version': v[i].version },
        h('summary', {}, t('consult.version_line', { v: v[i].version, stage: stageName(v[i].stage), at: fmtTime(v[i].ts_ms) })),
        h('div', { class: 'body-text' }, v[i].readable ? txt(v[i].text) : t('consult.unreadable'))));
    }
  }
  for (const r of c.reports) {
    el.append(h('h3', {}, t('consult.report', { outcome: word('consult.outcome', r.outcome) })),
      h('div', { class: 'body-text', id: 'consult-report' }, txt(r.text)));
  }
}

function showEvents(el, c) {
  clear(el).append(h('h2', {}, t('consult.events')),
    h('ul', { id: 'consult-event-list' }, c.events.map((e) => h('li', { 'data-event': e.event },
      fmtTime(e.ts_ms), ' · ', word('consult.event', e.event), ' · ', stageName(e.stage),
      e.country ? [' · ', txt(e.country)] : null,
      e.officer ? [' · ', txt(e.officer)] : null,
      e.detail ? [' — ', txt(e.detail)] : null))));
}

// ---------------------------------------------------------------- the forms

// A form of one step: its fields, an error holder and a button; `send`
// makes the request from the inputs (ids: the hub's field names to inputs).
function stepForm(id, heading, fields, button, send, ids) {
  const err = h('div', { class: 'form-error', role: 'alert', id: `${id}-error` });
  const ok = h('p', { class: 'form-ok', role: 'status', id: `${id}-ok` });
  const btn = h('button', { type: 'submit', id: `${id}-send` }, button);
  const form = h('form', { id, class: 'consult-step', novalidate: true }, h('h2', {}, heading), err, ...fields, btn, ok);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    btn.disabled = true;
    try {
      await send();
      ok.textContent = t('consult.done');
    } catch (e) {
      showError(form, err, ids, e);
    } finally {
      btn.disabled = false;
    }
  });
  return form;
}

function forms(c, mine, lead, reload) {
  const k = c.consultation;
  const out = [];
  const after = async (p) => { await p; reload(); };
  if (mine) {
    const answers = k.stage === 0 ? TROIKA_ANSWERS : ROUND_ANSWERS;
    const text = h('textarea', { class: 'short' });
    const group = h('fieldset', { id: 'ca-answer', 'aria-describedby': 'ca-answer-err' },
      h('legend', {}, t('consult.answer')),
      h('div', { class: 'checks' }, answers.map((a, i) => h('label', {},
        h('input', { type: 'radio', name: 'ca-answer', value: a, checked: i === 0 }), word('consult.answer', a)))),
      h('span', { class: 'error', id: 'ca-answer-err' }));
    const hint = () => {
      const v = group.querySelector('input:checked');
      text.setAttribute('aria-required', v && NEEDS_TEXT.has(v.value) ? 'true' : 'false');
    };
    group.addEventListener('change', hint);
    hint();
    out.push(stepForm('consult-answer', t('consult.answer_for', { country: store.me.country, stage: stageName(k.stage) }),
      [group, field('ca-text', t('consult.answer_text'), text, t('consult.answer_text_hint'))],
      t('consult.send_answer'),
      () => after(post(`/api/consult/${k.id}/answer`, {
        answer: (group.querySelector('input:checked') || {}).value || '', text: text.value, stage: k.stage,
      })), { answer: 'ca-answer', text: 'ca-text' }));
  }
  if (lead && k.state === 'open') {
    const current = c.versions.length ? c.versions[c.versions.length - 1] : null;
    if (k.stage === 0) {
      const text = h('textarea', {});
      out.push(stepForm('consult-advance', t('consult.advance'),
        [field('cv-text', t('consult.advance_text'), text, t('consult.advance_hint'))], t('consult.advance_send'),
        () => after(post(`/api/consult/${k.id}/advance`, { text: text.value })), { text: 'cv-text' }));
    }
    if (k.stage === 1) {
      const text = h('textarea', { value: current && current.readable ? current.text : '' });
      out.push(stepForm('consult-revise', t('consult.revise'),
        [field('cr-text', t('consult.revise_text'), text, t('consult.revise_hint'))], t('consult.revise_send'),
        () => after(post(`/api/consult/${k.id}/revise`, { text: text.value })), { text: 'cr-text' }));
    }
    const outcome = h('select', {}, ['consensus', 'no-consensus'].map((o) => h('option', { value: o }, word('consult.outcome', o))));
    const reason = h('input', { type: 'text', autocomplete: 'off' });
    const report = h('textarea', {});
    out.push(stepForm('consult-close', t('consult.close'),
      [field('cc-outcome', t('consult.outcome'), outcome), field('cc-reason', t('consult.reason'), reason, t('consult.reason_hint')),
        field('cc-report', t('consult.report_text'), report)], t('consult.close_send'),
      () => after(post(`/api/consult/${k.id}/close`, { outcome: outcome.value, reason: reason.value, report: report.value })),
      { outcome: 'cc-outcome', reason: 'cc-reason', report: 'cc-report' }));
  }
  return out;
}
