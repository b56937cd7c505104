/** What one table has loaded so far: the ranges done, plus what is in flight in its running ranges. */
interface TableProgress {
  name: string;
  rangesTotal: number;
  rangesDone: number;
  doneRows: number;
  doneBytes: number;
  inFlight: Set<{ rows: number; bytes: number }>;
  started?: number;
  finished?: number;
}

function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

const count = new Intl.NumberFormat('en-US');

/**
 * Progress of the data step per table, for the log: a line per table being loaded at most every
 * `intervalSeconds`, and one when a table finishes, each with rows, bytes and rows/s.
 */
export class CopyProgress {
  private readonly tables = new Map<string, TableProgress>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: (line: string) => void,
    private readonly intervalSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  register(name: string, ranges: number): void {
    this.tables.set(name, {
      name,
      rangesTotal: ranges,
      rangesDone: 0,
      doneRows: 0,
      doneBytes: 0,
      inFlight: new Set(),
    });
  }

  start(): void {
    this.timer = setInterval(() => this.report(), this.intervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A range starts: `live` is read (rows and bytes so far) whenever a progress line is written. */
  rangeStarted(name: string, live: { rows: number; bytes: number }): void {
    const table = this.tables.get(name)!;
    table.started ??= this.now();
    table.inFlight.add(live);
  }

  /** A range is done; returns the table's totals when it was the table's last range. */
  rangeFinished(
    name: string,
    live: { rows: number; bytes: number },
  ): { rows: number; bytes: number; seconds: number } | undefined {
    const table = this.tables.get(name)!;
    table.inFlight.delete(live);
    table.doneRows += live.rows;
    table.doneBytes += live.bytes;
    table.rangesDone += 1;
    if (table.rangesDone < table.rangesTotal) return undefined;
    table.finished = this.now();
    const seconds = (table.finished - table.started!) / 1000;
    this.log(`${this.line(table, table.doneRows, table.doneBytes, seconds)}, done`);
    return { rows: table.doneRows, bytes: table.doneBytes, seconds };
  }

  private report(): void {
    for (const table of this.tables.values()) {
      if (table.started === undefined || table.finished !== undefined) continue;
      let rows = table.doneRows;
      let bytes = table.doneBytes;
      for (const live of table.inFlight) {
        rows += live.rows;
        bytes += live.bytes;
      }
      const ranges = table.rangesTotal > 1 ? `, ${table.rangesDone}/${table.rangesTotal} ranges` : '';
      this.log(`${this.line(table, rows, bytes, (this.now() - table.started) / 1000)}${ranges}`);
    }
  }

  private line(table: TableProgress, rows: number, bytes: number, seconds: number): string {
    const rate = seconds > 0 ? Math.round(rows / seconds) : rows;
    return (
      `data: ${table.name}: ${count.format(rows)} rows, ${formatBytes(bytes)}, ` +
      `${count.format(rate)} rows/s (${seconds.toFixed(1)} s)`
    );
  }
}

export { formatBytes };
