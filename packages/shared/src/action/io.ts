import * as core from '@actions/core';
import type { JobSummary } from '../report/summary.js';
import { redact } from '../secrets/redact.js';
import {
  readBoolean,
  readChoice,
  readDecimal,
  readInteger,
  readString,
  type IntegerInputOptions,
} from './inputs.js';
import { maskSecret } from './mask.js';

/** What an action's body gets: typed inputs, secret masking, outputs, logging and the job summary. */
export interface ActionIO {
  /** The action's name, e.g. for the AWS user agent. */
  readonly action: string;
  string(name: string, options: { required: true; default?: string }): string;
  string(name: string, options: { default: string }): string;
  string(name: string, options?: { required?: boolean; default?: string }): string | undefined;
  boolean(name: string, options: { default: boolean }): boolean;
  integer(name: string, options: IntegerInputOptions & { default: number }): number;
  integer(name: string, options?: IntegerInputOptions): number | undefined;
  /** A decimal number, e.g. minutes of a bake (`0.5`). */
  decimal(name: string, options: IntegerInputOptions & { default: number }): number;
  choice<T extends string>(name: string, allowed: readonly T[], defaultValue: T): T;
  /** The input exactly as given, untrimmed ('' when not set): for a typed confirmation compared exactly. */
  verbatim(name: string): string;
  /** Mask `value` everywhere (log, outputs, summary, errors) and return it. */
  secret(value: string): string;
  /** Set a step output; non-strings are JSON-encoded. Secrets are redacted. */
  setOutput(name: string, value: string | number | boolean | object): void;
  info(message: string): void;
  warning(message: string): void;
  readonly summary: JobSummary;
}

export function createActionIO(action: string): ActionIO {
  return {
    action,
    string: readString as ActionIO['string'],
    boolean: readBoolean,
    integer: readInteger as ActionIO['integer'],
    decimal: readDecimal as ActionIO['decimal'],
    choice: readChoice,
    verbatim: (name) => core.getInput(name, { trimWhitespace: false }),
    secret(value) {
      maskSecret(value);
      return value;
    },
    setOutput(name, value) {
      core.setOutput(name, redact(typeof value === 'string' ? value : JSON.stringify(value)));
    },
    info: (message) => core.info(redact(message)),
    warning: (message) => core.warning(redact(message)),
    summary: core.summary,
  };
}
