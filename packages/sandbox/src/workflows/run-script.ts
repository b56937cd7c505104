import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseKeyValueFile } from '../harness/index.js';
import type { StepContext, StepOutcome } from './step-context.js';

/**
 * A `run:` step, as the runner runs it on Linux: the script in a file, `bash --noprofile --norc -eo
 * pipefail`, in the workspace, with the step's environment and fresh GITHUB_OUTPUT and GITHUB_ENV files.
 */
export async function runScript(script: string, step: StepContext): Promise<StepOutcome> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'dbmig-script-'));
  try {
    const file = path.join(scratch, 'script.sh');
    const output = path.join(scratch, 'output');
    const exported = path.join(scratch, 'env');
    await Promise.all([writeFile(file, script), writeFile(output, ''), writeFile(exported, '')]);
    const env = {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      ...step.env,
      GITHUB_OUTPUT: output,
      GITHUB_ENV: exported,
    };
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
        cwd: step.workspace,
        env,
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), step.timeoutMs);
      const print = (chunk: Buffer): void => {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) step.log(`      | ${line}`);
      };
      child.stdout.on('data', print);
      child.stderr.on('data', print);
      child.on('error', reject);
      child.on('close', (status, signal) => {
        clearTimeout(timer);
        resolve(status ?? (signal ? 128 : 1));
      });
    });
    const outputs = parseKeyValueFile(await readFile(output, 'utf8'));
    const exports = parseKeyValueFile(await readFile(exported, 'utf8'), 'env');
    if (code !== 0)
      return { ok: false, outputs, exported: exports, error: `${step.where}: the script exited ${code}` };
    return { ok: true, outputs, exported: exports };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
