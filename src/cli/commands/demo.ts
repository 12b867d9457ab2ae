import type { Command } from 'commander';
import { runDemo } from '../demo/demo.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description("run the seed's whole A/B walkthrough on this machine: train, deploy 80/20, traffic, metrics, verdict, guarded canary, rollback, cleanup")
    .option('--keep', 'leave the server and dashboard running at the end (port 8080 unless --port)')
    .option('--port <port>', 'port for --keep', '8080')
    .option('--host <host>', 'host to listen on', '127.0.0.1')
    .option('--seed <n>', 'seed of the train/validation/test split', '42')
    .action(async (opts: { keep?: boolean; port: string; host: string; seed: string }, cmd: Command) => {
      const global = cmd.optsWithGlobals() as { dataDir?: string };
      const explicitDir = process.argv.includes('--data-dir') || process.env.SPLITSERVE_DATA_DIR ? global.dataDir : undefined;
      await runDemo({ dataDir: explicitDir, keep: opts.keep === true, port: Number(opts.port), host: opts.host, seed: Number(opts.seed) });
    });
}
