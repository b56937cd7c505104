import * as core from '@actions/core';
import { registerSecret } from '../secrets/redact.js';

/**
 * Parts shorter than this are not masked on their own: masking "db" or "5432" would blank those
 * characters throughout the log. The whole value is always masked, whatever its length.
 */
const minimumPartLength = 4;

/**
 * Mask a secret in the runner's log (`::add-mask::`) and register it for `redact`, which guards outputs,
 * the summary and error messages. The runner matches masks line by line, so each line of a multi-line value
 * is masked too; for a JSON document (e.g. `{"username":…,"password":…}`), the string under each
 * credential-like key (password, secret, token, key) is masked, because code that parses the document
 * handles the parts, not the whole. Other fields (username, engine, host) stay readable: masking
 * "dbadmin" would blank it in every message that names the user.
 */
export function maskSecret(value: string): void {
  if (value.trim() === '') return;
  const parts = new Set<string>([value]);
  for (const line of value.split(/\r?\n/)) parts.add(line.trim());
  for (const text of jsonStrings(value)) parts.add(text);
  for (const part of parts) {
    if (part === value || part.length >= minimumPartLength) {
      core.setSecret(part);
      registerSecret(part);
    }
  }
}

const credentialKey = /pass|secret|token|key|pwd/i;

function jsonStrings(value: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [];
  }
  const found: string[] = [];
  const walk = (node: unknown, key: string): void => {
    if (typeof node === 'string') {
      if (credentialKey.test(key)) found.push(node);
    } else if (Array.isArray(node)) node.forEach((item) => walk(item, key));
    else if (node !== null && typeof node === 'object') {
      for (const [child, value] of Object.entries(node)) walk(value, child);
    }
  };
  walk(parsed, '');
  return found;
}
