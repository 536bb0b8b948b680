// History and search: the archive as the CLI's `history` and `search` give
// it (the same filters and paging), what the officer may see, oldest first
// for history and by relevance order of the hub for search.
import { get } from '../api.js';
import { h, clear, txt, field } from '../dom.js';
import { t, language } from '../i18n.js';
import { store } from '../store.js';
import { messageCard } from '../message.js';

function dayStart(v) { return v ? new Date(`${v}T00:00:00`).getTime() : ''; }

export function render(main, ctx) {
  const search = !!ctx.search;
  const err = h('div', { class: 'form-error', role: 'alert' });
  const results = h('div', { id: 'h-results', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'secondary', id: 'h-more', hidden: true }, t('history.next'));
  const status = h('p', { class: 'muted', id: 'h-status' });
  let next = 0;
  let shown = 0;
  let params = null;

  const inputs = {};
  let form;
  if (search) {
    inputs.q = h('input', { type: 'search', autocomplete: 'off' });
    form = h('form', { id: 'search-form', class: 'toolbar' },
      field('h-q', t('search.words'), inputs.q, t('search.hint')),
      h('button', { type: 'submit' }, t('search.go')));
  } else {
    inputs.pattern = h('input', { type: 'text', autocomplete: 'off', value: (store.me.patterns || [])[0] || 'consular/#' });
    inputs.from = h('input', { type: 'date' });
    inputs.to = h('input', { type: 'date' });
    inputs.author = h('input', { type: 'text', placeholder: 'ABCD-EFGH-IJKL-MNOP', autocomplete: 'off' });
    inputs.country = h('input', { type: 'text', maxlength: '8', autocomplete: 'off' });
    inputs.case = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off' });
    inputs.limit = h('select', {}, ['20', '50', '100', '500'].map((n) => h('option', { value: n, selected: n === '50' }, n)));
    form = h('form', { id: 'history-form' },
      h('div', { class: 'row' },
        field('h-pattern', t('history.pattern'), inputs.pattern, t('history.pattern_hint')),
        field('h-from', t('history.from'), inputs.from),
        field('h-to', t('history.to'), inputs.to)),
      h('div', { class: 'row' },
        field('h-author', t('history.author'), inputs.author),
        field('h-country', t('history.country'), inputs.country),
        field('h-case', t('history.case'), inputs.case),
        field('h-limit', t('history.limit'), inputs.limit)),
      h('button', { type: 'submit' }, t('history.go')));
  }

  const load = async (fresh) => {
    if (fresh) {
      next = 0;
      shown = 0;
      clear(results);
      params = search ? { q: inputs.q.value.trim(), limit: 50 } : {
        pattern: inputs.pattern.value.trim(),
        from: dayStart(inputs.from.value),
        // The whole of the last day counts.
        to: inputs.to.value ? dayStart(inputs.to.value) + 86400000 : '',
        author: inputs.author.value.trim().toUpperCase(),
        country: inputs.country.value.trim().toUpperCase(),
        case: inputs.case.value.trim(),
        limit: inputs.limit.value,
      };
    }
    clear(err);
    try {
      const r = await get(search ? '/api/search' : '/api/history', { ...params, after: next || '' });
      for (const m of r.items) results.append(messageCard(m, { language: language() }));
      shown += r.items.length;
      next = r.next;
      more.hidden = !r.more;
      status.textContent = shown ? t('history.shown', { n: shown }) : t('history.none');
    } catch (e) {
      const id = e.field ? `h-${e.field}` : null;
      clear(err).append(txt(e.message));
      if (id && form.querySelector(`#${id}`)) form.querySelector(`#${id}`).setAttribute('aria-invalid', 'true');
    }
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(true); });
  more.addEventListener('click', () => load(false));
  main.append(h('h1', {}, search ? t('nav.search') : t('nav.history')), form, err, status, results, more);
  const q = ctx.query.get('q');
  if (search && q) { inputs.q.value = q; load(true); }
  else if (!search) load(true);
}
