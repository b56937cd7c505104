import * as core from '@actions/core';
import { redact } from '../secrets/redact.js';
import { createActionIO, type ActionIO } from './io.js';
import { failureMessage, isExpectedError } from './messages.js';

/**
 * The entry of every action: run `body`, and turn any error into a failed step with one actionable
 * message. Expected errors (bad input, AWS refusals) show only that message; an unexpected one, a defect
 * in the toolkit, also logs its stack for the bug report. Everything printed passes through `redact`.
 */
export async function runAction(name: string, body: (io: ActionIO) => Promise<void>): Promise<void> {
  try {
    await body(createActionIO(name));
  } catch (error) {
    core.setFailed(redact(failureMessage(error)));
    if (!isExpectedError(error) && error instanceof Error && error.stack) {
      core.info(redact(`Unexpected error in ${name}; please report it with this trace:\n${error.stack}`));
    }
  }
}
