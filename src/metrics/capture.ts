import { appendFile, mkdir, readdir, stat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataCaptureConfig } from '../endpoints/types.js';
import type { InvocationEvent, InvocationObserver } from './types.js';

export interface CaptureOptions {
  dir: string;
  /** The capture settings of an endpoint's deployed config (called per request: must be cheap). */
  configFor: (endpoint: string) => DataCaptureConfig | undefined;
  /** Per-file limit; a full hour file continues in <hh>-1.jsonl, <hh>-2.jsonl … */
  maxFileBytes?: number;
  /** Total limit over all capture files; the oldest files go first. */
  maxTotalBytes?: number;
  random?: () => number;
  now?: () => number;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * SageMaker-style data capture: a sampled share of requests (and/or responses) written as JSON Lines under
 * <dir>/<endpoint>/<variant>/<yyyy>/<mm>/<dd>/<hh>.jsonl. Lines are queued on the request and written in the background.
 */
export class DataCapture implements InvocationObserver {
  private queue: { file: string; line: string }[] = [];
  private writing: Promise<void> | null = null;
  private readonly sizes = new Map<string, number>();
  private readonly parts = new Map<string, number>();
  private readonly random: () => number;
  private readonly now: () => number;
  written = 0;

  constructor(private readonly options: CaptureOptions) {
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  invocationStarted(): void {}

  invocationFinished(e: InvocationEvent): void {
    const config = this.options.configFor(e.endpoint);
    if (!config || config.EnableCapture === false || e.status >= 400) return;
    if (this.random() * 100 >= config.InitialSamplingPercentage) return;
    const modes = this.modesOf(config);
    const now = this.now();
    // SageMaker's capture record, written as text directly: only the few free-text fields need JSON escaping.
    const input = modes.input ? `"endpointInput":{"observedContentType":${JSON.stringify(e.contentType)},"mode":"INPUT","data":"${e.requestBody.toString('base64')}","encoding":"BASE64"}` : '';
    const output =
      modes.output && e.result
        ? `"endpointOutput":{"observedContentType":${JSON.stringify(e.result.contentType)},"mode":"OUTPUT","data":"${(typeof e.result.body === 'string' ? Buffer.from(e.result.body) : Buffer.from(e.result.body)).toString('base64')}","encoding":"BASE64"}`
        : '';
    const id = JSON.stringify(e.inferenceId);
    const line = `{"captureData":{${input}${input && output ? ',' : ''}${output}},"eventMetadata":{"eventId":${id},"inferenceId":${id},"inferenceTime":"${new Date(now).toISOString()}","variant":${JSON.stringify(e.variant)},"shadow":${e.shadow}},"eventVersion":"0"}\n`;
    this.queue.push({ file: this.hourKey(e.endpoint, e.variant, now), line });
    if (!this.writing) this.writing = this.drain().finally(() => (this.writing = null));
  }

  private readonly modeCache = new WeakMap<DataCaptureConfig, { input: boolean; output: boolean }>();

  private modesOf(config: DataCaptureConfig): { input: boolean; output: boolean } {
    let m = this.modeCache.get(config);
    if (!m) {
      const modes = new Set(config.CaptureOptions.map((o) => o.CaptureMode));
      m = { input: modes.has('Input') || modes.has('InputAndOutput'), output: modes.has('Output') || modes.has('InputAndOutput') };
      this.modeCache.set(config, m);
    }
    return m;
  }

  private readonly hourKeys = new Map<string, { hour: number; key: string }>();

  /** <endpoint>/<variant>/<yyyy>/<mm>/<dd>/<hh>, computed once per hour per variant. */
  private hourKey(endpoint: string, variant: string, now: number): string {
    const hour = Math.floor(now / 3_600_000);
    const id = `${endpoint}\u0000${variant}`;
    const cached = this.hourKeys.get(id);
    if (cached && cached.hour === hour) return cached.key;
    const t = new Date(now);
    const key = join(endpoint, variant, String(t.getUTCFullYear()), pad(t.getUTCMonth() + 1), pad(t.getUTCDate()), pad(t.getUTCHours()));
    this.hourKeys.set(id, { hour, key });
    return key;
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      const byFile = new Map<string, string>();
      for (const { file, line } of batch) byFile.set(file, (byFile.get(file) ?? '') + line);
      for (const [hourKey, text] of byFile) {
        const path = await this.fileFor(hourKey, Buffer.byteLength(text));
        await mkdir(join(path, '..'), { recursive: true });
        await appendFile(path, text);
        this.sizes.set(path, (this.sizes.get(path) ?? 0) + Buffer.byteLength(text));
        this.written += text.split('\n').length - 1;
      }
      await this.enforceTotal();
    }
  }

  private async fileFor(hourKey: string, bytes: number): Promise<string> {
    const max = this.options.maxFileBytes ?? 64 * 1024 * 1024;
    let part = this.parts.get(hourKey) ?? 0;
    const name = () => join(this.options.dir, part === 0 ? `${hourKey}.jsonl` : `${hourKey}-${part}.jsonl`);
    while ((this.sizes.get(name()) ?? 0) > 0 && (this.sizes.get(name()) ?? 0) + bytes > max) part++;
    this.parts.set(hourKey, part);
    return name();
  }

  private async enforceTotal(): Promise<void> {
    const max = this.options.maxTotalBytes;
    if (!max) return;
    let total = [...this.sizes.values()].reduce((a, b) => a + b, 0);
    if (total <= max) return;
    for (const file of [...this.sizes.keys()].sort()) {
      if (total <= max) break;
      total -= this.sizes.get(file)!;
      this.sizes.delete(file);
      await rm(file, { force: true });
    }
  }

  /** Waits until every queued line is on disk. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Capture files of an endpoint (for tests and the CLI). */
  async files(endpoint: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string) => {
      let entries: string[];
      try {
        entries = await readdir(dir);
      } catch {
        return;
      }
      for (const e of entries) {
        const p = join(dir, e);
        if ((await stat(p)).isDirectory()) await walk(p);
        else if (p.endsWith('.jsonl')) out.push(p);
      }
    };
    await walk(join(this.options.dir, endpoint));
    return out.sort();
  }
}
