/** A small client for the native /v1 API of a running server. */
export class ApiClient {
  constructor(readonly url: string) {}

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.url.replace(/\/$/, '')}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new Error(`cannot reach splitserve at ${this.url} (${(err as Error).cause ? String((err as { cause: Error }).cause.message) : (err as Error).message}); start it with \`splitserve serve\` or pass --url`);
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = text;
    }
    if (!res.ok) {
      const e = (parsed as { error?: { message?: string } })?.error;
      throw new Error(`${method} ${path}: HTTP ${res.status}: ${e?.message ?? text}`);
    }
    return parsed as T;
  }
}

export function clientOf(opts: { url?: string }): ApiClient {
  return new ApiClient(opts.url ?? process.env.SPLITSERVE_URL ?? 'http://127.0.0.1:8080');
}
