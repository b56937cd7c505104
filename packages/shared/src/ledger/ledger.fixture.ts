import { SSMClient } from '@aws-sdk/client-ssm';
import { sandboxClient, type Sandbox } from '@dbmig/sandbox';
import { readRunContext, type RunContext } from '../github/run-context.js';
import { Ledger, type LedgerOptions } from './ledger.js';

/*
 * Test helpers for the ledger's tests: ledgers that reach a running sandbox through a real SDK SSM
 * client, as an action's would, each with its own run and a log the test can read.
 */

export function sandboxSsm(
  sandbox: Sandbox,
  options: ConstructorParameters<typeof SSMClient>[0] = {},
): SSMClient {
  return sandboxClient(SSMClient, sandbox, 'us-east-1', options ?? {});
}

/** A run as the runner describes it: `octocat` starting run `runId` of acme/payments. */
export function actionsRun(runId: string, actor = 'octocat', attempt = 1): RunContext {
  return readRunContext({
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: String(attempt),
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/payments',
    GITHUB_ACTOR: actor,
    GITHUB_WORKFLOW: 'db-migration',
  });
}

export interface TestLedger {
  ledger: Ledger;
  /** Every line the ledger logged. */
  lines: string[];
  /** Every value handed to onSecret. */
  masked: string[];
}

/** A ledger of `environment` on its own client; approvers unknown unless given. */
export function testLedger(
  sandbox: Sandbox,
  environment: string,
  options: Partial<LedgerOptions> = {},
): TestLedger {
  const lines: string[] = [];
  const masked: string[] = [];
  const ledger = new Ledger({
    ssm: options.ssm ?? sandboxSsm(sandbox),
    environment,
    run: options.run ?? actionsRun('1000'),
    approvers:
      options.approvers ?? (() => Promise.resolve({ known: false, reason: 'not asked in this test' })),
    log: (line) => lines.push(line),
    onSecret: (value) => masked.push(value),
    ...(options.maxAppendAttempts !== undefined ? { maxAppendAttempts: options.maxAppendAttempts } : {}),
  });
  return { ledger, lines, masked };
}
