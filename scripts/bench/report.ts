/**
 * What every data-phase benchmark prints the same way: the machine it ran on, and tables of figures with
 * their ratios. Benchmarks print; they never assert beyond saying whether a target was met.
 */
import os from 'node:os';

/** `2 cores (…model…), 23.5 GiB memory, Node v20.20.2, linux x64`: the figures mean nothing without it. */
export function describeMachine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const memory = (os.totalmem() / 1024 ** 3).toFixed(1);
  return (
    `Machine: ${cpus.length} cores (${model}), ${memory} GiB memory, Node ${process.version}, ` +
    `${os.platform()} ${os.arch()}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`
  );
}

/** Prints rows as left-aligned columns, the first row as the header, indented under a title. */
export function printTable(title: string, rows: readonly (readonly string[])[]): void {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  console.log(title);
  rows.forEach((row, index) => {
    console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd());
    if (index === 0) console.log(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  });
}

/** `met` or `MISSED`, with the measured figure beside the target: one line per target. */
export function verdict(met: boolean, what: string): string {
  return `  ${met ? 'met   ' : 'MISSED'}  ${what}`;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `12,345` */
export const count = (value: number): string => Math.round(value).toLocaleString('en-US');

/** `×1.23` */
export const times = (value: number): string => `×${value.toFixed(2)}`;

/** `1.23 s` */
export const seconds = (value: number): string => `${value.toFixed(2)} s`;

/** Wall time of `body` in seconds, with its result. */
export async function timed<T>(body: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = performance.now();
  const value = await body();
  return { seconds: (performance.now() - start) / 1000, value };
}
