import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearSecrets, registerSecret } from '../secrets/redact.js';
import { Report } from './report.js';
import { writeReportSummary } from './summary.js';

let dir: string;
const saved = process.env['GITHUB_STEP_SUMMARY'];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dbmig-summary-'));
  process.env['GITHUB_STEP_SUMMARY'] = join(dir, 'summary.md');
  writeFileSync(join(dir, 'summary.md'), '');
});

afterEach(() => {
  clearSecrets();
  rmSync(dir, { recursive: true, force: true });
  if (saved === undefined) delete process.env['GITHUB_STEP_SUMMARY'];
  else process.env['GITHUB_STEP_SUMMARY'] = saved;
});

describe('writeReportSummary', () => {
  it('writes a heading, the verdict and an escaped table to the job summary', async () => {
    registerSecret('hunter2');
    const report = new Report('v2 health <dev>');
    report.add({
      id: 'a',
      title: 'Cluster',
      region: 'us-east-1',
      resource: 'c1',
      status: 'pass',
      detail: 'available',
    });
    report.add({
      id: 'b',
      title: 'Secret',
      region: 'us-east-1',
      status: 'warn',
      detail: 'value hunter2 | <x>\n\nmore',
    });
    await writeReportSummary(report, { failOnWarning: true });

    const html = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(html).toContain('<h2>v2 health &lt;dev&gt;</h2>');
    expect(html).toContain('Not healthy: 1 check failing');
    expect(html).toContain('<th>Status</th><th>Check</th><th>Region</th><th>Resource</th><th>Detail</th>');
    expect(html).toContain('<td>✅ Pass</td><td>Cluster</td><td>us-east-1</td><td>c1</td><td>available</td>');
    expect(html).toContain('<td>⚠️ Warning</td>');
    expect(html).toContain('<td>value *** | &lt;x&gt;<br><br>more</td>');
    expect(html).not.toContain('hunter2');
    // The table is a single HTML block: no blank line inside it.
    const table = html.slice(html.indexOf('<table>'), html.indexOf('</table>'));
    expect(table).not.toMatch(/\n\s*\n/);
  });
});
