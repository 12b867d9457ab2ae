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
    const modes = new Set(config.CaptureOptions.map((o) => o.CaptureMode));
    const input = modes.has('Input') || modes.has('InputAndOutput');
    const output = modes.has('Output') || modes.has('InputAndOutput');
    const t = new Date(this.now());
    const record: Record<string, unknown> = {
      captureData: {
        ...(input ? { endpointInput: { observedContentType: e.contentType, mode: 'INPUT', data: e.requestBody.toString('base64'), encoding: 'BASE64' } } : {}),
        ...(output && e.result
          ? { endpointOutput: { observedContentType: e.result.contentType, mode: 'OUTPUT', data: Buffer.from(e.result.body).toString('base64'), encoding: 'BASE64' } }
          : {}),
      },
      eventMetadata: { eventId: e.inferenceId, inferenceId: e.inferenceId, inferenceTime: t.toISOString(), variant: e.variant, shadow: e.shadow },
      eventVersion: '0',
    };
    const hourKey = join(e.endpoint, e.variant, String(t.getUTCFullYear()), pad(t.getUTCMonth() + 1), pad(t.getUTCDate()), pad(t.getUTCHours()));
    this.queue.push({ file: hourKey, line: JSON.stringify(record) + '\n' });
    if (!this.writing) this.writing = this.drain().finally(() => (this.writing = null));
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
