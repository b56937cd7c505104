import { redact } from '../secrets/redact.js';
import { escapeMarkdownCell } from './escape.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** One thing verified about one resource. */
export interface Check {
  /** Stable machine name, e.g. `primary-cluster-available`; the same id may repeat across regions. */
  id: string;
  /** What was checked, for people. */
  title: string;
  region?: string;
  resource?: string;
  status: CheckStatus;
  /** What was found: the observed value and, when not passing, what to do. */
  detail: string;
}

/** Whether warnings count against health; an action input decides. */
export interface VerdictOptions {
  failOnWarning: boolean;
}

export interface ReportJSON {
  title: string;
  healthy?: boolean;
  checks: Check[];
}

/** How each status reads in a summary: an emoji for scanning, a word for screen readers and plain text. */
export const statusLabels: Record<CheckStatus, { emoji: string; word: string }> = {
  pass: { emoji: '✅', word: 'Pass' },
  warn: { emoji: '⚠️', word: 'Warning' },
  fail: { emoji: '❌', word: 'Fail' },
  skip: { emoji: '⏭️', word: 'Skipped' },
};

/** The checks of one action run, in the order they were made, and the verdict drawn from them. */
export class Report {
  readonly title: string;
  private readonly list: Check[] = [];

  constructor(title: string) {
    this.title = title;
  }

  add(check: Check): void {
    this.list.push({ ...check });
  }

  get checks(): Check[] {
    return this.list.map((check) => ({ ...check }));
  }

  /** The checks that make the run unhealthy: failures, and warnings too when they count. */
  failing(options: VerdictOptions): Check[] {
    return this.checks.filter((c) => c.status === 'fail' || (options.failOnWarning && c.status === 'warn'));
  }

  /** No failure (and no warning, when warnings count). Skipped checks count neither way. */
  healthy(options: VerdictOptions): boolean {
    return this.failing(options).length === 0;
  }

  /**
   * The report as data for the `report` output, secrets redacted. `healthy` is included when the verdict
   * options are given. JSON.stringify calls this with a string key, which is ignored.
   */
  toJSON(options?: VerdictOptions | string): ReportJSON {
    const verdict = typeof options === 'object' ? { healthy: this.healthy(options) } : {};
    return {
      title: redact(this.title),
      ...verdict,
      checks: this.list.map((check) => {
        const out: Check = {
          id: check.id,
          title: redact(check.title),
          status: check.status,
          detail: redact(check.detail),
        };
        if (check.region !== undefined) out.region = check.region;
        if (check.resource !== undefined) out.resource = redact(check.resource);
        return out;
      }),
    };
  }

  /** Counts per status, e.g. "3 passed, 1 warning, 0 failed, 1 skipped". */
  tally(): string {
    const count = (status: CheckStatus): number => this.list.filter((c) => c.status === status).length;
    const warnings = count('warn');
    return `${count('pass')} passed, ${warnings} warning${warnings === 1 ? '' : 's'}, ${count('fail')} failed, ${count('skip')} skipped`;
  }

  /** The verdict as one sentence. */
  verdict(options: VerdictOptions): string {
    const failing = this.failing(options);
    if (failing.length === 0) return `Healthy: ${this.tally()}.`;
    return `Not healthy: ${failing.length} check${failing.length === 1 ? '' : 's'} failing (${this.tally()}).`;
  }

  /** A Markdown rendering (heading, verdict when options are given, table) for logs and comments. */
  toMarkdown(options?: VerdictOptions): string {
    const lines = [`## ${escapeMarkdownCell(redact(this.title))}`, ''];
    if (options) lines.push(`**${this.verdict(options)}**`, '');
    lines.push('| Status | Check | Region | Resource | Detail |', '| --- | --- | --- | --- | --- |');
    for (const row of this.rows()) lines.push(`| ${row.map(escapeMarkdownCell).join(' | ')} |`);
    return `${lines.join('\n')}\n`;
  }

  /**
   * Table rows as plain text, secrets redacted, in column order Status, Check, Region, Resource, Detail.
   * A missing value shows as a dash: the job summary's HTML writer leaves an empty cell unclosed.
   */
  rows(): string[][] {
    return this.list.map((c) => {
      const label = statusLabels[c.status];
      return [
        `${label.emoji} ${label.word}`,
        c.title,
        c.region || '—',
        c.resource || '—',
        c.detail || '—',
      ].map(redact);
    });
  }
}
