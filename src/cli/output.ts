import Table from 'cli-table3';

/** A plain table for the terminal (no colours when stdout is not a TTY). */
export function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head, style: { head: process.stdout.isTTY ? ['cyan'] : [], border: process.stdout.isTTY ? ['grey'] : [] } });
  for (const r of rows) t.push(r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  return t.toString();
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(3) : v.toFixed(4);
}

export function pct(v: number, digits = 1): string {
  return `${(100 * v).toFixed(digits)}%`;
}

export function us(v: number): string {
  if (!Number.isFinite(v)) return '-';
  return v >= 10_000 ? `${(v / 1000).toFixed(1)} ms` : `${Math.round(v)} µs`;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function heading(text: string): void {
  process.stdout.write(`\n${process.stdout.isTTY ? '\x1b[1m' : ''}${text}${process.stdout.isTTY ? '\x1b[0m' : ''}\n`);
}
