import { api, ApiError, type Endpoint, type Report } from '../api.js';
import { LiveChart } from '../charts.js';
import { COLOURS, h, num, pct, replace, us, when } from '../dom.js';
import type { Page } from '../main.js';

const WINDOW_S = 120;

/** One endpoint: weights with controls, one-click rollback, live charts, quality, the analysis, rollout and events. */
export function endpointPage(main: HTMLElement, name: string): Page {
  const title = h('h1', {}, name, ' ', h('span', { class: 'status' }, '…'));
  const notice = h('p', { class: 'notice', role: 'status', 'aria-live': 'polite' });
  const weights = h('section', { class: 'card', 'aria-labelledby': 'weights-h' }, h('h2', { id: 'weights-h' }, 'Traffic weights'));
  const charts = h('section', { class: 'card', 'aria-labelledby': 'live-h' }, h('h2', { id: 'live-h' }, `Live, last ${WINDOW_S} s`));
  const grid = h('div', { class: 'charts' });
  charts.append(grid);
  const chartHosts = ['inv', 'p50', 'p99', 'err'].map((id) => h('div', { class: 'chart', 'data-chart': id }));
  grid.append(...chartHosts);
  const live = [
    new LiveChart(chartHosts[0], 'Invocations per second', 'req/s'),
    new LiveChart(chartHosts[1], 'Latency p50 (model + overhead)', 'µs'),
    new LiveChart(chartHosts[2], 'Latency p99 (model + overhead)', 'µs'),
    new LiveChart(chartHosts[3], 'Error rate', '%'),
  ];
  const quality = h('section', { class: 'card', 'aria-labelledby': 'quality-h' }, h('h2', { id: 'quality-h' }, 'Quality from ground truth'));
  const analysis = h('section', { class: 'card', 'aria-labelledby': 'analysis-h' }, h('h2', { id: 'analysis-h' }, 'Analysis'));
  const rollout = h('section', { class: 'card', 'aria-labelledby': 'rollout-h' }, h('h2', { id: 'rollout-h' }, 'Rollout and events'));
  const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-h' });
  replace(main, h('p', {}, h('a', { href: '#/' }, '← Endpoints')), title, notice, weights, charts, quality, analysis, rollout, dialog);

  let endpoint: Endpoint | undefined;
  let editing = false;
  let tick = 0;

  const confirm = (question: string, detail: string): Promise<boolean> =>
    new Promise((resolve) => {
      const done = (answer: boolean) => {
        dialog.close();
        resolve(answer);
      };
      replace(
        dialog,
        h('h2', { id: 'confirm-h' }, question),
        h('p', {}, detail),
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => done(false) }, 'Cancel'), h('button', { type: 'button', class: 'primary', 'data-confirm': 'yes', onclick: () => done(true) }, 'Confirm')),
      );
      dialog.addEventListener('cancel', () => resolve(false), { once: true });
      dialog.showModal();
      (dialog.querySelector('[data-confirm]') as HTMLButtonElement).focus();
    });

  let noticeTimer: number | undefined;
  const say = (text: string, error = false) => {
    notice.textContent = text;
    notice.className = error ? 'notice error' : 'notice';
    clearTimeout(noticeTimer);
    noticeTimer = window.setTimeout(() => (notice.textContent = ''), 15_000);
  };

  const renderWeights = (e: Endpoint) => {
    if (editing) return;
    const total = e.ProductionVariants.reduce((s, v) => s + v.CurrentWeight, 0) || 1;
    const inputs = new Map<string, HTMLInputElement>();
    const control = e.rollout?.policy.control ?? e.ProductionVariants[0]?.VariantName;
    const form = h(
      'form',
      {
        class: 'weights',
        onsubmit: async (ev: Event) => {
          ev.preventDefault();
          const next: Record<string, number> = {};
          for (const [v, input] of inputs) next[v] = Number(input.value);
          if (Object.values(next).some((w) => !Number.isFinite(w) || w < 0)) return say('Weights must be numbers ≥ 0.', true);
          if (Object.values(next).every((w) => w === 0)) return say('At least one weight must be above 0.', true);
          const sum = Object.values(next).reduce((a, b) => a + b, 0);
          const text = Object.entries(next).map(([v, w]) => `${v} ${num((100 * w) / sum, 1)}%`).join(', ');
          editing = true;
          const ok = await confirm(`Change the weights of ${e.EndpointName}?`, `New split: ${text}. Traffic moves at once.`);
          editing = false;
          if (!ok) return say('Weights unchanged.');
          try {
            await api.setWeights(e.EndpointName, next);
            say(`Weights set: ${text}.`);
          } catch (err) {
            say(`Could not change the weights: ${(err as Error).message}`, true);
          }
          await refresh();
        },
      },
      ...e.ProductionVariants.map((v, i) => {
        const input = h('input', { type: 'number', min: 0, step: 'any', value: String(v.CurrentWeight), id: `w-${v.VariantName}`, name: v.VariantName, 'aria-describedby': `share-${v.VariantName}`, onfocus: () => (editing = true), onblur: () => (editing = false) });
        inputs.set(v.VariantName, input);
        return h(
          'div',
          { class: 'weight-row', 'data-variant': v.VariantName },
          h('label', { for: `w-${v.VariantName}` }, h('span', { class: 'swatch', style: `background:${COLOURS[i % COLOURS.length]}` }), v.VariantName),
          h('div', { class: 'bar single', role: 'img', 'aria-label': `${v.VariantName} gets ${num((100 * v.CurrentWeight) / total, 1)}% of traffic` }, h('span', { style: `width:${(100 * v.CurrentWeight) / total}%;background:${COLOURS[i % COLOURS.length]}` })),
          h('span', { class: 'share', id: `share-${v.VariantName}` }, `${num((100 * v.CurrentWeight) / total, 1)}%`),
          input,
        );
      }),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, 'Apply weights'),
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            'data-action': 'rollback',
            onclick: async () => {
              editing = true;
              const ok = await confirm(`Roll ${e.EndpointName} back to ${control}?`, `${control} gets 100% of traffic, every other variant 0%${e.rollout?.state.status === 'running' ? ', and the running rollout is aborted' : ''}.`);
              editing = false;
              if (!ok) return;
              try {
                await api.rollback(e.EndpointName, control);
                say(`Rolled back: ${control} serves 100%.`);
              } catch (err) {
                say(`Rollback failed: ${(err as Error).message}`, true);
              }
              await refresh();
            },
          },
          `Roll back to ${control}`,
        ),
      ),
    );
    replace(weights, h('h2', { id: 'weights-h' }, 'Traffic weights'), form, e.bandit?.enabled ? h('p', { class: 'muted' }, `A ${e.bandit.algorithm} bandit sets these weights from ground truth.`) : null);
  };

  const renderLive = async () => {
    const m = await api.live(name, WINDOW_S);
    const vs = m.variants.filter((v) => !v.shadow);
    const names = vs.map((v) => v.variant);
    const x = vs[0]?.series.map((p) => p.t) ?? [];
    live[0].update(names, x, vs.map((v) => v.series.map((p) => p.invocations)));
    live[1].update(names, x, vs.map((v) => v.series.map((p) => p.p50)));
    live[2].update(names, x, vs.map((v) => v.series.map((p) => p.p99)));
    live[3].update(names, x, vs.map((v) => v.series.map((p) => (p.invocations ? (100 * ((p.err4xx ?? 0) + (p.err5xx ?? 0))) / p.invocations : 0))));
  };

  const renderQuality = async () => {
    const q = await api.quality(name);
    const rows = q.variants.filter((v) => v.withFeedback > 0);
    replace(
      quality,
      h('h2', { id: 'quality-h' }, 'Quality from ground truth'),
      rows.length
        ? h(
            'div',
            { class: 'scroll' },
            h(
            'table',
            {},
            h('thead', {}, h('tr', {}, ...['Variant', 'Predictions', 'With ground truth', 'Accuracy', 'AUC', 'Log loss', 'Mean reward'].map((c) => h('th', { scope: 'col' }, c)))),
            h('tbody', {}, ...rows.map((v) => h('tr', { 'data-variant': v.variant }, h('td', {}, v.variant + (v.shadow ? ' (shadow)' : '')), h('td', {}, num(v.predictions)), h('td', {}, num(v.withFeedback)), h('td', {}, v.classification ? pct(v.classification.accuracy) : '–'), h('td', {}, num(v.classification?.auc, 3)), h('td', {}, num(v.classification?.logloss, 3)), h('td', {}, num(v.reward?.mean, 3))))),
            ),
          )
        : h('p', { class: 'muted' }, 'No ground truth yet: POST /v1/endpoints/', name, '/feedback with inference ids and labels.'),
    );
  };

  const interval = (lo: number, hi: number, est: number, scale: number) => {
    // An SVG interval on a symmetric axis around zero: where the effect could be, and whether it excludes zero.
    const W = 260;
    const xOf = (v: number) => W / 2 + (v / scale) * (W / 2 - 8);
    const clamp = (v: number) => Math.max(4, Math.min(W - 4, xOf(v)));
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', `0 0 ${W} 24`);
    svg.setAttribute('class', 'ci');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', `difference ${est.toFixed(4)}, 95% interval ${lo.toFixed(4)} to ${hi.toFixed(4)}`);
    svg.innerHTML = `<line x1="${W / 2}" y1="2" x2="${W / 2}" y2="22" stroke="#666" stroke-dasharray="2 2"/><line x1="${clamp(lo)}" y1="12" x2="${clamp(hi)}" y2="12" stroke="${lo > 0 ? '#2e7d32' : hi < 0 ? '#b71c1c' : '#1f5fbf'}" stroke-width="4" stroke-linecap="round"/><circle cx="${clamp(est)}" cy="12" r="5" fill="#111"/>`;
    return svg;
  };

  const renderAnalysis = async () => {
    let r: Report;
    try {
      r = await api.report(name);
    } catch (err) {
      replace(analysis, h('h2', { id: 'analysis-h' }, 'Analysis'), h('p', { class: 'muted' }, (err as ApiError).message));
      return;
    }
    const label: Record<string, string> = { keep_testing: 'Keep testing', winner: 'A variant wins', no_detectable_difference: 'No detectable difference', sample_ratio_mismatch: 'Sample ratio mismatch: results untrustworthy' };
    replace(
      analysis,
      h('h2', { id: 'analysis-h' }, 'Analysis'),
      h('div', { class: `verdict verdict-${r.verdict.kind}`, 'data-verdict': r.verdict.kind }, h('strong', {}, label[r.verdict.kind] ?? r.verdict.kind, r.verdict.winner ? `: ${r.verdict.winner}` : ''), h('p', {}, r.verdict.reason)),
      h('p', {}, `Traffic split check (chi-square against the weights over time): p = ${r.srm.pValue.toFixed(4)}${r.srm.mismatch ? ' — mismatch' : ''}. Control: ${r.control}.`),
      ...r.metrics.map((m) => {
        const scale = Math.max(1e-9, ...m.comparisons.flatMap((c) => [Math.abs(c.frequentist.differenceCi[0]), Math.abs(c.frequentist.differenceCi[1]), Math.abs(c.sequential.ci[0]), Math.abs(c.sequential.ci[1])].filter(Number.isFinite)));
        return h(
          'div',
          { class: 'scroll' },
          h(
            'table',
            { class: 'analysis' },
            h('caption', {}, `${m.metric} (${m.higherIsBetter ? 'higher' : 'lower'} is better), each variant minus ${r.control}`),
            h('thead', {}, h('tr', {}, ...['Variant', 'n', 'Control', 'Variant', 'Difference, 95% CI', 'p (Holm)', 'Always-valid CI', 'Chance to beat', 'Expected loss'].map((c) => h('th', { scope: 'col' }, c)))),
            h(
              'tbody',
              {},
              ...m.comparisons.map((c) =>
                h(
                  'tr',
                  {},
                  h('td', {}, c.variant),
                  h('td', {}, `${num(c.n[1])} / ${num(c.n[0])}`),
                  h('td', {}, num(c.frequentist.control, 4)),
                  h('td', {}, num(c.frequentist.treatment, 4)),
                  h('td', {}, interval(c.frequentist.differenceCi[0], c.frequentist.differenceCi[1], c.frequentist.difference, scale), h('br', {}), `${num(c.frequentist.difference, 4)} [${num(c.frequentist.differenceCi[0], 4)}, ${num(c.frequentist.differenceCi[1], 4)}]`),
                  h('td', {}, num(c.adjustedPValue, 4)),
                  h('td', {}, interval(c.sequential.ci[0], c.sequential.ci[1], c.frequentist.difference, scale), h('br', {}), `[${num(c.sequential.ci[0], 4)}, ${num(c.sequential.ci[1], 4)}]${c.sequential.significant ? ' significant' : ''}`),
                  h('td', {}, pct(c.bayes.chanceToBeatControl)),
                  h('td', {}, num(c.bayes.expectedLoss, 5)),
                ),
              ),
            ),
          ),
        );
      }),
    );
  };

  const renderRollout = async (e: Endpoint) => {
    const { events } = await api.events(name);
    const ro = e.rollout;
    replace(
      rollout,
      h('h2', { id: 'rollout-h' }, 'Rollout and events'),
      ro
        ? h(
            'div',
            { class: 'rollout', 'data-rollout': ro.state.status },
            h('p', {}, `${ro.policy.challenger} against ${ro.policy.control}: `, h('strong', {}, ro.state.status), ro.state.reason ? ` — ${ro.state.reason}` : ''),
            h('ol', { class: 'steps' }, ...ro.state.steps.map((s, i) => h('li', { class: i < ro.state.stepIndex || ro.state.status === 'succeeded' ? 'done' : i === ro.state.stepIndex ? 'current' : '' }, `${s}%`))),
            ro.state.lastCheck ? h('p', { class: 'muted' }, `Last check: ${num(ro.state.lastCheck.challengerRequests)} challenger requests, errors ${pct(ro.state.lastCheck.errorRate, 2)}, p99 ${us(ro.state.lastCheck.p99Us)}`) : null,
          )
        : h('p', { class: 'muted' }, 'No rollout on this endpoint.'),
      events.length ? h('ul', { class: 'events' }, ...events.slice(-15).reverse().map((ev) => h('li', {}, h('time', {}, when(ev.at)), ' ', h('span', { class: `kind kind-${ev.kind}` }, ev.kind), ' ', ev.message))) : h('p', { class: 'muted' }, 'No events yet.'),
    );
  };

  const refresh = async () => {
    try {
      endpoint = await api.endpoint(name);
    } catch (err) {
      replace(main, h('h1', {}, name), h('p', { class: 'error' }, (err as Error).message), h('p', {}, h('a', { href: '#/' }, 'Back to the endpoints')));
      return;
    }
    replace(title, name, ' ', h('span', { class: `status status-${endpoint.EndpointStatus}` }, endpoint.EndpointStatus), ' ', h('span', { class: 'muted small' }, `config ${endpoint.EndpointConfigName}`));
    renderWeights(endpoint);
    await renderLive();
    if (tick++ % 3 === 0) await Promise.all([renderQuality(), renderAnalysis(), renderRollout(endpoint)]);
  };

  return { refresh, intervalMs: 1500, destroy: () => live.forEach((c) => c.destroy()) };
}
