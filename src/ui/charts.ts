import uPlot from 'uplot';
import { COLOURS } from './dom.js';

/** A live line chart: one series per variant over the last N seconds, updated in place with setData. */
export class LiveChart {
  private plot: uPlot | null = null;
  private variants: string[] = [];
  private readonly observer: ResizeObserver;

  constructor(
    private readonly host: HTMLElement,
    private readonly title: string,
    private readonly unit: string,
  ) {
    this.observer = new ResizeObserver(() => this.plot?.setSize(this.size()));
    this.observer.observe(host);
    host.setAttribute('role', 'img');
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(240, this.host.clientWidth), height: 190 };
  }

  /** x: epoch seconds; ys: one array per variant, same length as x. */
  update(variants: string[], x: number[], ys: number[][]): void {
    // A text summary of what is drawn, for screen readers and for the browser tests (a canvas has no text).
    const latest = ys.map((y) => y[y.length - 1] ?? 0);
    this.host.dataset.lastT = String(x[x.length - 1] ?? '');
    this.host.dataset.sum = String(ys.reduce((s, y) => s + y.reduce((a, b) => a + b, 0), 0));
    this.host.setAttribute('aria-label', `${this.title}, latest: ${variants.map((v, i) => `${v} ${latest[i].toFixed(1)} ${this.unit}`).join(', ')}`);
    if (!this.plot || variants.join('\u0000') !== this.variants.join('\u0000')) {
      this.plot?.destroy();
      this.variants = variants;
      this.plot = new uPlot(
        {
          title: this.title,
          ...this.size(),
          scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
          axes: [{ stroke: '#333', space: 70, values: (_u, splits) => splits.map((t) => new Date(t * 1000).toLocaleTimeString('en-GB', { hour12: false })) }, { stroke: '#333', label: this.unit, size: 60 }],
          legend: { live: false },
          series: [{}, ...variants.map((v, i) => ({ label: v, stroke: COLOURS[i % COLOURS.length], width: 2, points: { show: false } }))],
        },
        [x, ...ys],
        this.host,
      );
      return;
    }
    this.plot.setData([x, ...ys]);
  }

  /** The plotted data (for tests and for screen-reader summaries). */
  data(): number[][] {
    return (this.plot?.data ?? []) as number[][];
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot?.destroy();
  }
}
