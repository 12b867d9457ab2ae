import { endpointsPage } from './pages/endpoints.js';
import { endpointPage } from './pages/endpoint.js';
import { modelsPage } from './pages/models.js';

export interface Page {
  refresh: () => Promise<void>;
  intervalMs: number;
  destroy?: () => void;
}

const main = document.getElementById('main')!;
const liveBadge = document.getElementById('live')!;
let current: Page | null = null;
let timer: number | undefined;
let generation = 0;

function route(): void {
  current?.destroy?.();
  clearTimeout(timer);
  const gen = ++generation;
  const hash = location.hash.replace(/^#/, '') || '/';
  const m = /^\/endpoints\/(.+)$/.exec(hash);
  current = m ? endpointPage(main, decodeURIComponent(m[1])) : hash === '/models' ? modelsPage(main) : endpointsPage(main);
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a')) a.setAttribute('aria-current', String(a.dataset.nav === (hash === '/models' ? 'models' : 'endpoints')));
  const page = current;
  const loop = async () => {
    if (gen !== generation) return;
    try {
      await page.refresh();
      liveBadge.textContent = `updated ${new Date().toLocaleTimeString('en-GB', { hour12: false })}`;
      liveBadge.classList.remove('stale');
    } catch (err) {
      liveBadge.textContent = `cannot reach the server: ${(err as Error).message}`;
      liveBadge.classList.add('stale');
    }
    if (gen === generation) timer = window.setTimeout(loop, page.intervalMs);
  };
  void loop();
}

window.addEventListener('hashchange', () => {
  route();
  main.focus();
});
route();
