import { api } from '../api.js';
import { COLOURS, h, num, replace } from '../dom.js';
import type { Page } from '../main.js';

/** All endpoints: status, variants with their weights, and traffic in the last five minutes. */
export function endpointsPage(main: HTMLElement): Page {
  const body = h('div', { class: 'cards' }, h('p', { class: 'muted' }, 'Loading endpoints…'));
  replace(main, h('h1', {}, 'Endpoints'), body);
  const refresh = async () => {
    const { endpoints } = await api.endpoints();
    if (!endpoints.length) {
      replace(body, h('p', { class: 'empty' }, 'No endpoints yet. Create one with the SageMaker API, ', h('code', {}, 'splitserve endpoint create'), ' or ', h('code', {}, 'splitserve apply -f'), '.'));
      return;
    }
    replace(
      body,
      ...endpoints.map((e) => {
        const total = e.ProductionVariants.reduce((s, v) => s + v.CurrentWeight, 0) || 1;
        return h(
          'article',
          { class: 'card', 'data-endpoint': e.EndpointName },
          h('h2', {}, h('a', { href: `#/endpoints/${encodeURIComponent(e.EndpointName)}` }, e.EndpointName), ' ', h('span', { class: `status status-${e.EndpointStatus}` }, e.EndpointStatus)),
          h('div', { class: 'bar', role: 'img', 'aria-label': e.ProductionVariants.map((v) => `${v.VariantName} ${num((100 * v.CurrentWeight) / total, 1)}%`).join(', ') },
            ...e.ProductionVariants.map((v, i) => h('span', { style: `width:${(100 * v.CurrentWeight) / total}%;background:${COLOURS[i % COLOURS.length]}` }))),
          h(
            'table',
            {},
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Variant'), h('th', { scope: 'col' }, 'Weight'), h('th', { scope: 'col' }, 'Share'), h('th', { scope: 'col' }, 'Requests, 5 min'), h('th', { scope: 'col' }, 'Total'))),
            h(
              'tbody',
              {},
              ...e.ProductionVariants.map((v, i) => {
                const t = e.traffic?.find((x) => x.variant === v.VariantName);
                return h('tr', { 'data-variant': v.VariantName }, h('td', {}, h('span', { class: 'swatch', style: `background:${COLOURS[i % COLOURS.length]}` }), v.VariantName), h('td', { class: 'weight' }, num(v.CurrentWeight, 2)), h('td', {}, `${num((100 * v.CurrentWeight) / total, 1)}%`), h('td', {}, num(t?.requestsLast5m)), h('td', {}, num(t?.total)));
              }),
            ),
          ),
          e.FailureReason ? h('p', { class: 'error' }, e.FailureReason) : null,
        );
      }),
    );
  };
  return { refresh, intervalMs: 2000 };
}
