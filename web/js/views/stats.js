// The ST's statistics as charts (Debian's chart.js, served by the console
// from where the package puts it), each with its figures as a table for
// screen readers and for when chart.js is missing: acknowledged within the
// deadline and median time to acknowledge, per country; messages per
// network per week; refused accesses by reason.
import { get } from '../api.js';
import { h, clear, txt, fmtDate, fmtNumber } from '../dom.js';
import { t } from '../i18n.js';

const COLORS = ['#0b5cad', '#b3261e', '#1b6e3a', '#8a5a00', '#5a1f7d', '#00676b'];
let chartModule = null;

async function chartJs() {
  if (chartModule === null) {
    try {
      const m = await import('/vendor/chart.js/chart.mjs');
      m.Chart.register(...m.registerables);
      chartModule = m;
    } catch (e) {
      chartModule = false;
    }
  }
  return chartModule;
}

function table(caption, labels, series) {
  return h('table', { class: 'grid' }, h('caption', { class: 'sr' }, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), series.map((s) => h('th', { scope: 'col' }, txt(s.label))))),
    h('tbody', {}, labels.map((l, i) => h('tr', {}, h('th', { scope: 'row' }, txt(l)),
      series.map((s) => h('td', {}, fmtNumber(s.data[i] || 0)))))));
}

function figure(id, caption, labels, series, opts, charts) {
  const canvas = h('canvas', { id, role: 'img', 'aria-label': caption });
  const fig = h('figure', { class: 'chart', 'data-chart': id },
    h('figcaption', {}, caption),
    labels.length ? h('div', { class: 'canvas-box' }, canvas) : h('p', { class: 'muted' }, t('stats.no_data')),
    labels.length ? h('details', {}, h('summary', {}, t('stats.table')), table(caption, labels, series)) : null);
  if (labels.length && charts) {
    charts.push(() => new chartModule.Chart(canvas, {
      type: 'bar',
      data: { labels, datasets: series.map((s, i) => ({ label: s.label, data: s.data, backgroundColor: COLORS[i % COLORS.length] })) },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        indexAxis: opts.horizontal ? 'y' : 'x',
        plugins: { legend: { display: series.length > 1 } },
        scales: { x: { stacked: !!opts.stacked }, y: { stacked: !!opts.stacked, beginAtZero: true, max: opts.max } },
      },
    }));
  }
  return fig;
}

export function render(main) {
  const err = h('div', { class: 'form-error', role: 'alert' });
  const box = h('div', { class: 'charts', id: 'charts' });
  const weeks = h('select', { id: 'stats-weeks' }, ['4', '8', '13', '26'].map((n) => h('option', { value: n, selected: n === '8' }, n)));
  const made = [];
  const load = async () => {
    for (const c of made.splice(0)) c.destroy();
    clear(box).append(h('p', { class: 'muted' }, t('stats.loading')));
    let s;
    try {
      s = await get('/api/admin/stats', { weeks: weeks.value });
    } catch (e) {
      clear(box);
      clear(err).append(txt(e.message));
      return;
    }
    clear(err);
    const all = s.all;
    const sec = (name) => all[name] || {};
    const within = sec('acknowledged within the deadline, % by country');
    const median = sec('median time to acknowledge, seconds, by country');
    const refused = sec('refused accesses');
    const networks = ['consular', 'trafficking', 'child', 'crm'];
    const weekLabels = s.weekly.map((w) => fmtDate(w.from_ms));
    const m = await chartJs();
    const charts = m ? [] : null;
    clear(box).append(
      figure('chart-within', t('stats.within'), Object.keys(within), [{ label: '%', data: Object.values(within) }], { max: 100 }, charts),
      figure('chart-median', t('stats.median'), Object.keys(median), [{ label: t('stats.seconds'), data: Object.values(median) }], {}, charts),
      figure('chart-weekly', t('stats.weekly'), s.weekly.some((w) => Object.keys(w.messages).length) ? weekLabels : [],
        networks.map((n) => ({ label: n, data: s.weekly.map((w) => w.messages[n] || 0) })), { stacked: true }, charts),
      figure('chart-refused', t('stats.refused'), Object.keys(refused).map((k) => k.replace(/^refused:/, '')),
        [{ label: t('stats.count'), data: Object.values(refused) }], { horizontal: true }, charts));
    if (!m) box.before(h('p', { class: 'muted' }, t('stats.no_charts')));
    for (const make of charts || []) made.push(make());
    const totals = sec('messages by network');
    box.append(h('figure', { class: 'chart' }, h('figcaption', {}, t('stats.totals')),
      table(t('stats.totals'), Object.keys(totals), [{ label: t('stats.count'), data: Object.values(totals) }])));
  };
  weeks.addEventListener('change', load);
  main.append(h('h1', {}, t('nav.stats')),
    h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'stats-weeks' }, t('stats.weeks')), weeks)),
    err, box);
  load();
  return () => { for (const c of made.splice(0)) c.destroy(); };
}
