// dom.js: building the page with DOM calls only. Every string from the hub
// (bodies, headlines, names, notes, form fields) goes in as a text node:
// nothing here ever parses markup, so a body such as <script>…</script> or
// <img onerror=…> is shown as the characters it is. Bidirectional and other
// invisible control characters are shown as visible marks, so that a right-
// to-left override cannot disguise the text around it.
import { t, language } from './i18n.js';

// Characters that change how text is shown without being seen: C0/C1
// controls (but tab and newline), bidi embeddings, overrides, isolates and
// marks.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

// Untrusted text as a node: a span isolated from the text around it, with
// each control character replaced by a visible mark naming it.
export function txt(s, cls) {
  const span = document.createElement('span');
  span.className = cls ? `ut ${cls}` : 'ut';
  const text = s == null ? '' : String(s);
  if (!CONTROL.test(text)) {
    span.textContent = text;
    return span;
  }
  let last = 0;
  for (const m of text.matchAll(CONTROLS)) {
    if (m.index > last) span.append(document.createTextNode(text.slice(last, m.index)));
    const code = `U+${m[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    const mark = document.createElement('span');
    mark.className = 'ctl';
    mark.title = t('ctl.title');
    mark.textContent = `⟨${code}⟩`;
    span.append(mark);
    last = m.index + m[0].length;
  }
  if (last < text.length) span.append(document.createTextNode(text.slice(last)));
  return span;
}

// Sets an element's content to untrusted text: plain text when it holds no
// control character (the common case, and the cheapest), else txt()'s marks.
export function setText(el, s) {
  const text = s == null ? '' : String(s);
  if (CONTROL.test(text)) el.replaceChildren(txt(text));
  else el.textContent = text;
}

// h('div', {class: 'x', onclick: fn, 'aria-label': '…'}, child, 'text', …):
// strings become text nodes; null, undefined and false are skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'for') el.htmlFor = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'disabled' || k === 'hidden' || k === 'selected' || k === 'multiple' || k === 'required') el[k] = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.append(c);
    else el.append(document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// Times in the page's language and the workstation's time zone. Intl is
// given the language explicitly: the browser's own may differ. Formatters
// are made once per language and style (making one costs more than using
// it, and the inbox formats a time for every row it draws).
const formatters = new Map();
function formatter(kind, opts) {
  const key = `${language()} ${kind}`;
  let f = formatters.get(key);
  if (!f) {
    f = kind === 'number' ? new Intl.NumberFormat(language()) : new Intl.DateTimeFormat(language(), opts);
    formatters.set(key, f);
  }
  return f;
}

export function fmtTime(ms) {
  if (!ms) return '';
  return formatter('time', { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(ms));
}

let today = '';
let todayUntil = 0;
export function fmtShortTime(ms) {
  if (!ms) return '';
  const now = Date.now();
  if (now >= todayUntil) {
    const d = new Date(now);
    today = d.toDateString();
    todayUntil = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
  }
  const d = new Date(ms);
  return d.toDateString() === today
    ? formatter('short', { timeStyle: 'short' }).format(d)
    : formatter('shortdate', { dateStyle: 'short', timeStyle: 'short' }).format(d);
}

export function fmtDate(ms) {
  if (!ms) return '';
  return formatter('date', { dateStyle: 'medium' }).format(new Date(ms));
}

export function fmtNumber(n) {
  return formatter('number').format(n);
}

// "12 min 05 s", "1 h 02 min", for a time left or taken.
export function fmtDuration(ms) {
  const neg = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const two = (n) => String(n).padStart(2, '0');
  const text = h ? `${h} h ${two(m)} min` : m ? `${m} min ${two(s)} s` : `${s} s`;
  return neg ? `-${text}` : text;
}

// A labelled form field: {id, label, hint, input} -> .field with an error
// holder (id-err) that the input names in aria-describedby.
export function field(id, label, input, hint) {
  input.id = id;
  const errId = `${id}-err`;
  const hintId = hint ? `${id}-hint` : null;
  input.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
  return h('div', { class: 'field', 'data-field': id },
    h('label', { for: id }, label),
    input,
    hint ? h('span', { class: 'hint', id: hintId }, hint) : null,
    h('span', { class: 'error', id: errId, 'aria-live': 'polite' }));
}

// Marks the field `id` as wrong with message (or clears every mark in root).
export function setFieldError(root, id, message) {
  const input = root.querySelector(`#${CSS.escape(id)}`);
  const err = root.querySelector(`#${CSS.escape(`${id}-err`)}`);
  if (!input || !err) return false;
  input.setAttribute('aria-invalid', 'true');
  clear(err).append(txt(message));
  return true;
}

export function clearErrors(root) {
  for (const el of root.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  for (const el of root.querySelectorAll('.field .error')) clear(el);
  for (const el of root.querySelectorAll('.form-error, .form-ok')) clear(el);
}

export function options(values, selected, labelOf) {
  return values.map((v) => h('option', { value: v, selected: v === selected }, labelOf ? labelOf(v) : v));
}
