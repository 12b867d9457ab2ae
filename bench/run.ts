/** Runs the benchmarks: `npm run bench` (all) or `npm run bench -- runtime invoke` (some); `--quick` for a smoke run. */
const ALL = ['training', 'runtime', 'invoke', 'metrics', 'bandit', 'soak'] as const;
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((w) => !(ALL as readonly string[]).includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')} (have: ${ALL.join(', ')})`);
  process.exit(2);
}
console.log(`splitserve benchmarks on ${(await import('node:os')).cpus().length} cores, Node ${process.version}${process.argv.includes('--quick') ? ' (quick smoke run: figures not meaningful)' : ''}`);
for (const name of wanted.length ? wanted : ALL) {
  const mod = (await import(`./${name}.js`)) as { run: () => Promise<void> };
  console.log(`\n## ${name}`);
  await mod.run();
}
