// Gives the run a fresh folder for the sandbox's record of the calls each action makes (DBMIG_AWS_USAGE_DIR,
// read by packages/sandbox/src/server.ts). Set here, before the workers start, it reaches every test file's
// sandboxes; scripts/jest-iam-reporter.js reads the folder after the run and removes it. A folder given by
// the caller is used as it is and kept, to look at the calls afterwards.
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function globalSetup() {
  if (process.env.DBMIG_AWS_USAGE_DIR) {
    mkdirSync(process.env.DBMIG_AWS_USAGE_DIR, { recursive: true });
    return;
  }
  process.env.DBMIG_AWS_USAGE_DIR = mkdtempSync(path.join(os.tmpdir(), 'dbmig-aws-usage-'));
  process.env.DBMIG_AWS_USAGE_FRESH = 'true';
}
