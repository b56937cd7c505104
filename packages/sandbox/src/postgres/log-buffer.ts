/**
 * Keeps the last lines a server printed, so that startup stays quiet and a failure can still
 * show what the server said.
 */
export class LogBuffer {
  private readonly lines: string[] = [];
  private total = 0;

  constructor(private readonly maxLines = 300) {}

  readonly push = (chunk: string): void => {
    for (const line of chunk.split('\n')) {
      if (line.trim() === '') continue;
      this.lines.push(line);
      this.total += 1;
    }
    if (this.lines.length > this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines);
  };

  /** A position to read from later with `since`, e.g. to look only at one start attempt. */
  mark(): number {
    return this.total;
  }

  since(mark: number): string {
    const dropped = this.total - this.lines.length;
    return this.lines.slice(Math.max(0, mark - dropped)).join('\n');
  }

  text(): string {
    return this.lines.join('\n');
  }
}
