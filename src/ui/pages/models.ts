import { api, type ModelVersion } from '../api.js';
import { h, num, replace } from '../dom.js';
import type { Page } from '../main.js';

const METRICS = ['accuracy', 'auc', 'logloss', 'f1', 'rmse', 'mae', 'r2', 'validation:auc', 'validation:accuracy'];

/** The registry: every model version with its training metrics, hyperparameters and lineage. */
export function modelsPage(main: HTMLElement): Page {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading models…'));
  replace(main, h('h1', {}, 'Models'), body);
  const refresh = async () => {
    const { models } = await api.models();
    if (!models.length) {
      replace(body, h('p', { class: 'empty' }, 'The registry is empty. Train with ', h('code', {}, 'splitserve train'), ' or CreateTrainingJob.'));
      return;
    }
    const byName = new Map<string, ModelVersion[]>();
    for (const m of models) byName.set(m.name, [...(byName.get(m.name) ?? []), m]);
    replace(
      body,
      ...[...byName].map(([name, versions]) => {
        const shown = METRICS.filter((k) => versions.some((v) => typeof v.metrics?.[k] === 'number'));
        return h(
          'section',
          { class: 'card', 'data-model': name },
          h('h2', {}, name),
          h(
            'div',
            { class: 'scroll' },
            h(
              'table',
              {},
              h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Version'), h('th', { scope: 'col' }, 'Lineage'), h('th', { scope: 'col' }, 'Framework'), ...shown.map((k) => h('th', { scope: 'col' }, k)), h('th', { scope: 'col' }, 'Hyperparameters'), h('th', { scope: 'col' }, 'Created'), h('th', { scope: 'col' }, 'sha256'))),
              h(
                'tbody',
                {},
                ...versions.map((v) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, `v${v.version}`),
                    h('td', {}, v.parentVersion ? `from v${v.parentVersion}` : 'first'),
                    h('td', {}, v.framework),
                    ...shown.map((k) => h('td', {}, typeof v.metrics?.[k] === 'number' ? num(v.metrics[k] as number, 4) : '–')),
                    h('td', { class: 'params' }, Object.entries(v.hyperparameters).filter(([, x]) => x !== undefined).map(([k, x]) => `${k}=${x}`).join(' ')),
                    h('td', {}, new Date(v.createdAt).toISOString().slice(0, 16).replace('T', ' ')),
                    h('td', {}, h('code', {}, v.sha256.slice(0, 12))),
                  ),
                ),
              ),
            ),
          ),
        );
      }),
    );
  };
  return { refresh, intervalMs: 10_000 };
}
