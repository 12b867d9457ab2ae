import { spawn, type ChildProcess } from 'node:child_process';
import { killGroup } from '../shared/process-group.js';
import { createServer } from 'node:net';
import type { LoadedModel, ModelDescription, PredictResult } from './types.js';
import { ModelError } from './types.js';

export interface ContainerOptions {
  /** A command to start per instance (it must listen on $SAGEMAKER_BIND_TO_PORT), or … */
  command?: string[];
  /** … the base URL of a server already running. */
  url?: string;
  environment?: Record<string, string>;
  instances?: number;
  startupTimeoutMs?: number;
  healthIntervalMs?: number;
  requestTimeoutMs?: number;
  /** Where the instances' output goes (default: discarded). */
  log?: (line: string) => void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ping(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** One server process (or an external URL): its health and how many requests it has in flight. */
class Instance {
  outstanding = 0;
  healthy = false;
  restarts = 0;
  private proc: ChildProcess | null = null;
  private stopping = false;
  url = '';

  constructor(
    readonly index: number,
    private readonly options: ContainerOptions,
  ) {}

  async start(): Promise<void> {
    if (this.options.url) {
      this.url = this.options.url.replace(/\/$/, '');
      this.healthy = await this.waitHealthy();
      if (!this.healthy) throw new Error(`container at ${this.url} did not answer GET /ping with 200 within ${this.timeout()} ms`);
      return;
    }
    await this.spawnProcess();
  }

  private timeout(): number {
    return this.options.startupTimeoutMs ?? 30_000;
  }

  private async waitHealthy(): Promise<boolean> {
    const deadline = Date.now() + this.timeout();
    while (Date.now() < deadline && !this.stopping) {
      if (await ping(this.url)) return true;
      if (this.proc && this.proc.exitCode !== null) return false;
      await sleep(100);
    }
    return false;
  }

  private async spawnProcess(): Promise<void> {
    const [cmd, ...args] = this.options.command!;
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    const proc = spawn(cmd, args, {
      env: { ...process.env, ...this.options.environment, SAGEMAKER_BIND_TO_PORT: String(port), SAGEMAKER_SAFE_PORT_RANGE: `${port}-${port}` },
      stdio: ['ignore', 'pipe', 'pipe'],
      // its own process group, so that stopping it also stops what a `sh -c` wrapper started
      detached: true,
    });
    this.proc = proc;
    const log = this.options.log;
    const forward = (chunk: Buffer) => {
      if (log) for (const line of chunk.toString().split('\n')) if (line) log(`[instance ${this.index}] ${line}`);
    };
    proc.stdout?.on('data', forward);
    proc.stderr?.on('data', forward);
    proc.on('error', () => {});
    proc.on('exit', () => {
      if (this.proc !== proc) return;
      this.healthy = false;
      if (!this.stopping) void this.restartWithBackoff();
    });
    this.healthy = await this.waitHealthy();
    if (!this.healthy) {
      const code = proc.exitCode;
      this.stopping = true;
      killGroup(proc, 'SIGKILL');
      throw new Error(`container command "${this.options.command!.join(' ')}" ${code !== null ? `exited with code ${code}` : `did not answer GET /ping within ${this.timeout()} ms`}`);
    }
  }

  private async restartWithBackoff(): Promise<void> {
    let delay = 200;
    while (!this.stopping) {
      await sleep(delay);
      if (this.stopping) return;
      this.restarts++;
      try {
        await this.spawnProcess();
        return;
      } catch {
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  async check(): Promise<void> {
    if (this.stopping) return;
    const ok = await ping(this.url);
    if (this.options.url || (this.proc && this.proc.exitCode === null)) this.healthy = ok;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.healthy = false;
    const proc = this.proc;
    if (!proc) return;
    if (proc.exitCode !== null || proc.signalCode !== null) return killGroup(proc, 'SIGKILL');
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    killGroup(proc, 'SIGTERM');
    await Promise.race([exited, sleep(3000)]);
    // whether the leader exited in time or not: nothing in its group may outlive it
    killGroup(proc, 'SIGKILL');
  }
}

/**
 * SageMaker's bring-your-own-container contract without Docker: GET /ping for health, POST /invocations
 * for predictions. N instances are N processes, chosen by least outstanding requests; a crashed process
 * is restarted with exponential backoff.
 */
export class ContainerModel implements LoadedModel {
  readonly kind = 'container' as const;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly instances: Instance[],
    private readonly options: ContainerOptions,
  ) {}

  static async start(options: ContainerOptions): Promise<ContainerModel> {
    if (!options.command?.length && !options.url) throw new Error('a container model needs a command to start or the URL of a running server');
    const count = options.url ? 1 : Math.max(1, options.instances ?? 1);
    const instances = Array.from({ length: count }, (_, i) => new Instance(i, options));
    try {
      await Promise.all(instances.map((i) => i.start()));
    } catch (err) {
      await Promise.all(instances.map((i) => i.stop()));
      throw err;
    }
    const model = new ContainerModel(instances, options);
    model.timer = setInterval(() => {
      for (const i of instances) void i.check();
    }, options.healthIntervalMs ?? 5000);
    model.timer.unref();
    return model;
  }

  private pick(): Instance | undefined {
    let best: Instance | undefined;
    for (const i of this.instances) if (i.healthy && (!best || i.outstanding < best.outstanding)) best = i;
    return best;
  }

  async predict(body: Buffer, contentType: string, accept: string | undefined, customAttributes?: string): Promise<PredictResult> {
    const instance = this.pick();
    if (!instance) throw new ModelError('no healthy container instance is available (restarting)', 503);
    instance.outstanding++;
    try {
      const headers: Record<string, string> = { 'content-type': contentType || 'application/octet-stream' };
      if (accept) headers.accept = accept;
      if (customAttributes !== undefined) headers['x-amzn-sagemaker-custom-attributes'] = customAttributes;
      let res: Response;
      try {
        res = await fetch(`${instance.url}/invocations`, {
          method: 'POST',
          body: body as unknown as BodyInit,
          headers,
          signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 60_000),
        });
      } catch (err) {
        const timedOut = (err as Error).name === 'TimeoutError';
        if (!timedOut) {
          // the instance is gone or refusing: take it out of rotation until a ping (or its restart) brings it back
          instance.healthy = false;
          void instance.check();
        }
        const reason = timedOut ? 'timed out' : `failed: ${(err as Error).message}`;
        throw new ModelError(`container instance ${instance.index} ${reason}`, 500);
      }
      const out = Buffer.from(await res.arrayBuffer());
      if (res.status >= 400) throw new ModelError(out.toString('utf8').slice(0, 1000) || `container answered ${res.status}`, res.status);
      return { body: out, contentType: res.headers.get('content-type') ?? 'application/octet-stream', records: 1, customAttributes: res.headers.get('x-amzn-sagemaker-custom-attributes') ?? undefined };
    } finally {
      instance.outstanding--;
    }
  }

  async health(): Promise<boolean> {
    return this.instances.some((i) => i.healthy);
  }

  /** Instances' state, for describe and tests. */
  status(): { url: string; healthy: boolean; outstanding: number; restarts: number }[] {
    return this.instances.map((i) => ({ url: i.url, healthy: i.healthy, outstanding: i.outstanding, restarts: i.restarts }));
  }

  async unload(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.instances.map((i) => i.stop()));
  }

  describe(): ModelDescription {
    return { kind: 'container', detail: { instances: this.status() } };
  }
}
