/** A tiny element builder: h('div', { class: 'x' }, child, 'text'). No framework; the pages re-render their parts. */
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | number | boolean | EventListener | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export function replace(target: Element, ...children: Child[]): void {
  target.replaceChildren(...children.filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false).map((c) => (c instanceof Node ? c : String(c))));
}

export const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)}%`;
export const num = (x: number | undefined | null, digits = 0) => (x === undefined || x === null || !Number.isFinite(x) ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
export const us = (x: number | undefined | null) => (x === undefined || x === null ? '–' : x >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${x.toFixed(0)} µs`);
export const when = (ms: number) => new Date(ms).toLocaleTimeString('en-GB', { hour12: false });

/** One colour per variant position, readable on the light background and distinguishable for colour-blind readers. */
export const COLOURS = ['#1f5fbf', '#c05a00', '#2e7d32', '#8e24aa', '#00838f', '#ad1457', '#5d4037', '#455a64', '#9e7d00', '#283593'];
