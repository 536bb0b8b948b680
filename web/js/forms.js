// forms.js: the six structured case forms (web/forms.json): their fields,
// kinds and labels, for the page to build inputs. The hub checks every
// value and names a wrong field; these only help to fill the form in.
import { language } from './i18n.js';

let forms = null;

export async function loadForms() {
  if (!forms) {
    const r = await fetch('/forms.json', { credentials: 'same-origin' });
    forms = await r.json();
  }
  return forms;
}

export function formNames() { return forms ? Object.keys(forms.forms) : []; }
export function formSpec(type) { return forms && forms.forms[type]; }

export function formLabel(type) {
  const f = formSpec(type);
  return f ? f.label[language()] || f.label.en : type;
}

export function fieldLabel(type, name) {
  const f = formSpec(type);
  const fd = f && f.fields.find((x) => x.name === name);
  return fd ? fd.label[language()] || fd.label.en : name;
}

export function countries() { return forms ? forms.countries : []; }
