import type { Command } from 'commander';
import { createApp } from '../../app.js';
import { startServer } from '../../api/server.js';
import { dataDirOf } from '../embedded.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('run the server: SageMaker and CloudWatch APIs, runtime invocations, /v1 API, /metrics and the dashboard')
    .option('--port <port>', 'port to listen on', process.env.PORT ?? '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (opts: { port: string; host: string }, cmd: Command) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port "${opts.port}" is not a port number`);
      const dataDir = dataDirOf(cmd);
      const app = await createApp({ dataDir });
      const server = await startServer(app, { host: opts.host, port });
      console.log(`splitserve listening on ${server.url} (data: ${dataDir}${process.env.SPLITSERVE_DATABASE_URL ? ', store: PostgreSQL' : ''})`);
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) return;
          stopping = true;
          console.log(`${signal}: draining and stopping`);
          void server
            .close()
            .then(() => app.close())
            .finally(resolve);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
