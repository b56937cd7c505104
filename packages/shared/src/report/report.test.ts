import { clearSecrets, registerSecret } from '../secrets/redact.js';
import { escapeHtml, escapeMarkdownCell } from './escape.js';
import { Report, type Check } from './report.js';

const pass: Check = {
  id: 'cluster',
  title: 'Primary cluster available',
  region: 'us-east-1',
  resource: 'c1',
  status: 'pass',
  detail: 'available',
};
const warn: Check = {
  id: 'protection',
  title: 'Deletion protection',
  region: 'us-east-1',
  resource: 'c1',
  status: 'warn',
  detail: 'off',
};
const fail: Check = {
  id: 'lag',
  title: 'Replication lag',
  region: 'us-east-2',
  status: 'fail',
  detail: '9000 ms > 1000 ms',
};
const skip: Check = { id: 'tables', title: 'Tables', status: 'skip', detail: 'no connection' };

function report(...checks: Check[]): Report {
  const r = new Report('v2 health for dev');
  for (const check of checks) r.add(check);
  return r;
}

afterEach(() => clearSecrets());

describe('Report verdict', () => {
  it('is healthy with passes and skips only', () => {
    const r = report(pass, skip);
    expect(r.healthy({ failOnWarning: true })).toBe(true);
    expect(r.failing({ failOnWarning: true })).toEqual([]);
  });

  it('lets warnings pass unless they count', () => {
    const r = report(pass, warn);
    expect(r.healthy({ failOnWarning: false })).toBe(true);
    expect(r.healthy({ failOnWarning: true })).toBe(false);
    expect(r.failing({ failOnWarning: true }).map((c) => c.id)).toEqual(['protection']);
    expect(r.verdict({ failOnWarning: true })).toBe(
      'Not healthy: 1 check failing (1 passed, 1 warning, 0 failed, 0 skipped).',
    );
  });

  it('is never healthy with a failure', () => {
    const r = report(pass, warn, fail);
    expect(r.healthy({ failOnWarning: false })).toBe(false);
    expect(r.failing({ failOnWarning: false }).map((c) => c.id)).toEqual(['lag']);
    expect(r.failing({ failOnWarning: true }).map((c) => c.id)).toEqual(['protection', 'lag']);
  });

  it('keeps its checks from outside mutation', () => {
    const original = { ...pass };
    const r = report(original);
    original.status = 'fail';
    r.checks[0]!.status = 'fail';
    expect(r.healthy({ failOnWarning: false })).toBe(true);
  });
});

describe('Report.toJSON', () => {
  it('includes the verdict when options are given, and omits absent fields', () => {
    const r = report(pass, skip);
    expect(r.toJSON({ failOnWarning: false })).toEqual({
      title: 'v2 health for dev',
      healthy: true,
      checks: [pass, { id: 'tables', title: 'Tables', status: 'skip', detail: 'no connection' }],
    });
    expect(JSON.parse(JSON.stringify(r))).not.toHaveProperty('healthy');
  });

  it('redacts secrets', () => {
    registerSecret('hunter2');
    const r = report({ ...fail, detail: 'password hunter2 rejected' });
    expect(JSON.stringify(r.toJSON({ failOnWarning: false }))).not.toContain('hunter2');
    expect(r.toJSON().checks[0]!.detail).toBe('password *** rejected');
  });
});

describe('Report.toMarkdown', () => {
  it('renders a heading, the verdict and one row per check', () => {
    const md = report(pass, fail).toMarkdown({ failOnWarning: false });
    expect(md).toBe(
      [
        '## v2 health for dev',
        '',
        '**Not healthy: 1 check failing (1 passed, 0 warnings, 1 failed, 0 skipped).**',
        '',
        '| Status | Check | Region | Resource | Detail |',
        '| --- | --- | --- | --- | --- |',
        '| ✅ Pass | Primary cluster available | us-east-1 | c1 | available |',
        '| ❌ Fail | Replication lag | us-east-2 | — | 9000 ms &gt; 1000 ms |',
        '',
      ].join('\n'),
    );
  });

  it('keeps a detail with | < and newlines inside its cell', () => {
    const md = report({ ...fail, detail: 'a | b <script>\nnext' }).toMarkdown();
    const row = md.split('\n').find((line) => line.startsWith('| ❌'))!;
    // Five cells: six unescaped pipes.
    expect(row.split('|')).toHaveLength(7);
    expect(row).toContain('a &#124; b &lt;script&gt;<br>next');
  });

  it('redacts secrets in every column', () => {
    registerSecret('hunter2');
    const md = report({
      id: 'x',
      title: 'hunter2',
      region: 'us-east-1',
      resource: 'hunter2',
      status: 'pass',
      detail: 'hunter2',
    }).toMarkdown();
    expect(md).not.toContain('hunter2');
  });
});

describe('escaping', () => {
  it('escapes HTML and turns newlines into <br>', () => {
    expect(escapeHtml(`<b>"x" & 'y'</b>\n\nz`)).toBe(
      '&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;<br><br>z',
    );
  });

  it('escapes Markdown table breakers and formatting', () => {
    expect(escapeMarkdownCell('a|b\\|c `d` *e* [f](g)')).toBe(
      'a&#124;b&#92;&#124;c &#96;d&#96; &#42;e&#42; &#91;f&#93;(g)',
    );
  });
});
