// After the run, compares the AWS calls each action made (the sandbox's usage log) with its IAM policy,
// iam/<action>.json, and fails the run when a call is not granted or a grant is never called. Only an action
// all of whose test files ran, none failing, is judged (test/iam-check.ts has the rules). The folder is
// removed unless the caller gave it.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default class IamReporter {
  #error;

  async onRunComplete(_contexts, results) {
    const dir = process.env.DBMIG_AWS_USAGE_DIR;
    if (!dir) return;
    const { judgeRun, readUsage } = await tsImport('../test/iam-check.ts', import.meta.url);
    const ran = results.testResults.map((r) => r.testFilePath);
    const failed = results.testResults
      .filter((r) => r.testExecError || r.numFailingTests > 0)
      .map((r) => r.testFilePath);
    const { report, failures } = judgeRun({ root, usage: readUsage(dir), ran, failed });
    if (process.env.DBMIG_AWS_USAGE_FRESH === 'true') rmSync(dir, { recursive: true, force: true });
    if (report.length === 0 && failures.length === 0) return;
    console.log(
      `\nIAM policies against the calls made:\n${[...report, ...failures].map((l) => `  ${l}`).join('\n')}`,
    );
    if (failures.length > 0)
      this.#error = new Error(`IAM policies do not match the calls made:\n${failures.join('\n')}`);
  }

  getLastError() {
    return this.#error;
  }
}
