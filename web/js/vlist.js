// vlist.js: a list that holds any number of rows of one height but puts in
// the page only those in view (and a few around): 10,000 messages scroll as
// smoothly as 10. A listbox for assistive technology: Up, Down, Page Up,
// Page Down, Home and End move the selection; the selected row is named by
// aria-activedescendant.
import { h } from './dom.js';

const OVERSCAN = 8;

export class VList {
  // opts: {rowHeight, label, count(), fill(el, index), onSelect(index)}
  constructor(opts) {
    this.o = opts;
    this.selected = -1;
    this.rows = new Map(); // index -> element in the page
    this.spare = [];       // row elements out of view, to reuse
    this.spacer = h('div', { class: 'vlist-spacer' });
    this.el = h('div', { class: 'vlist', role: 'listbox', tabindex: '0', 'aria-label': opts.label }, this.spacer);
    this.pending = false;
    this.el.addEventListener('scroll', () => this.schedule());
    this.el.addEventListener('keydown', (ev) => this.key(ev));
    this.el.addEventListener('click', (ev) => {
      const row = ev.target.closest('.vrow');
      if (row) this.select(Number(row.dataset.index), false);
    });
    new ResizeObserver(() => this.schedule()).observe(this.el);
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.render(); });
  }

  // Everything may have moved (new rows, another filter): redraw.
  refresh() {
    for (const el of this.rows.values()) this.spare.push(el);
    this.rows.clear();
    this.render();
  }

  render() {
    const n = this.o.count();
    const rh = this.o.rowHeight;
    this.spacer.style.height = `${n * rh}px`;
    const top = this.el.scrollTop;
    const first = Math.max(0, Math.floor(top / rh) - OVERSCAN);
    const last = Math.min(n - 1, Math.ceil((top + this.el.clientHeight) / rh) + OVERSCAN);
    for (const [i, el] of this.rows) {
      if (i < first || i > last) { this.spare.push(el); this.rows.delete(i); }
    }
    for (let i = first; i <= last; i++) {
      if (this.rows.has(i)) continue;
      let el = this.spare.pop();
      if (!el) {
        el = h('div', { class: 'vrow', role: 'option' });
        this.spacer.append(el);
      }
      el.hidden = false;
      el.id = `vrow-${i}`;
      el.dataset.index = i;
      el.style.transform = `translateY(${i * rh}px)`;
      el.setAttribute('aria-selected', String(i === this.selected));
      el.setAttribute('aria-posinset', String(i + 1));
      el.setAttribute('aria-setsize', String(n));
      this.o.fill(el, i);
      this.rows.set(i, el);
    }
    // Rows not needed now stay in the page, hidden and without an id.
    for (const el of this.spare) {
      if (!el.hidden) { el.hidden = true; el.removeAttribute('id'); delete el.dataset.seq; }
    }
  }

  select(i, scroll = true) {
    const n = this.o.count();
    if (n === 0) return;
    i = Math.max(0, Math.min(n - 1, i));
    const old = this.rows.get(this.selected);
    if (old) old.setAttribute('aria-selected', 'false');
    this.selected = i;
    if (scroll) this.scrollTo(i);
    const row = this.rows.get(i);
    if (row) row.setAttribute('aria-selected', 'true');
    this.el.setAttribute('aria-activedescendant', `vrow-${i}`);
    this.o.onSelect(i);
  }

  scrollTo(i) {
    const rh = this.o.rowHeight;
    const top = i * rh;
    if (top < this.el.scrollTop) this.el.scrollTop = top;
    else if (top + rh > this.el.scrollTop + this.el.clientHeight) this.el.scrollTop = top + rh - this.el.clientHeight;
    this.render();
  }

  key(ev) {
    const page = Math.max(1, Math.floor(this.el.clientHeight / this.o.rowHeight) - 1);
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (ev.key in moves) this.select((this.selected < 0 ? 0 : this.selected) + moves[ev.key]);
    else if (ev.key === 'Home') this.select(0);
    else if (ev.key === 'End') this.select(this.o.count() - 1);
    else return;
    ev.preventDefault();
  }
}
