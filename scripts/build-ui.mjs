#!/usr/bin/env node
// Bundles the dashboard (src/ui) into static files in src/ui/dist: app.js (with uPlot), app.css, index.html.
// Everything is bundled: the dashboard loads nothing from the network but its own server's API.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ui = join(root, 'src', 'ui');
const dist = join(ui, 'dist');
mkdirSync(dist, { recursive: true });
await build({
  entryPoints: [join(ui, 'main.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outfile: join(dist, 'app.js'),
  logLevel: 'warning',
});
const uplotCss = readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css'), 'utf8');
writeFileSync(join(dist, 'app.css'), uplotCss + '\n' + readFileSync(join(ui, 'styles.css'), 'utf8'));
copyFileSync(join(ui, 'index.html'), join(dist, 'index.html'));
console.log(`dashboard built into ${dist}`);
