import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const BIN = resolve('bin/splitserve');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Runs a splitserve CLI command to completion; throws with its output when it fails. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const res = spawnSync(BIN, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (res.status !== 0) throw new Error(`splitserve ${args.join(' ')} exited ${res.status}: ${res.stdout}${res.stderr}`);
  return res.stdout;
}

/** Starts `splitserve serve` on a free port and resolves once it prints its URL. */
export function startServeProcess(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const child = spawn(BIN, ['--data-dir', dataDir, 'serve', '--port', '0'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start in 30 s:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ child, url: m[1], output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
}

/** Stops a server process with a signal and waits for it to exit. */
export function stopProcess(p: ServerProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((ok) => {
    if (p.child.exitCode !== null) return ok(p.child.exitCode);
    p.child.once('exit', (code) => ok(code));
    p.child.kill(signal);
  });
}
