// i18n.js: the page's words in Spanish or English (web/i18n/*.json, no
// build step). The language comes from the officer's choice (kept in this
// browser), else the browser's preference, else the profile's, else
// English; switching re-renders the page.
let dict = {};
let lang = 'en';
const SUPPORTED = ['es', 'en'];

export function language() { return lang; }

export function pickLanguage(profileLanguage) {
  const saved = localStorage.getItem('enlace.lang');
  if (SUPPORTED.includes(saved)) return saved;
  for (const l of navigator.languages || [navigator.language || '']) {
    const code = l.slice(0, 2).toLowerCase();
    if (SUPPORTED.includes(code)) return code;
  }
  return SUPPORTED.includes(profileLanguage) ? profileLanguage : 'en';
}

export async function loadLanguage(l, remember) {
  const r = await fetch(`/i18n/${l}.json`, { credentials: 'same-origin' });
  if (!r.ok) throw new Error(`i18n ${l}: ${r.status}`);
  dict = await r.json();
  lang = l;
  document.documentElement.lang = l;
  if (remember) localStorage.setItem('enlace.lang', l);
}

// t('key', {name: 'x'}): the text with {name} filled in.
export function t(key, vars) {
  let s = Object.prototype.hasOwnProperty.call(dict, key) ? dict[key] : key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

// The page's fixed words: every element with data-i18n="key".
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}
