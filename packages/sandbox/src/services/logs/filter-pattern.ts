import { invalidParameter } from './errors.js';

/**
 * CloudWatch Logs' filter pattern for unstructured log events, as documented in "Filter pattern syntax
 * for metric filters, subscription filters, filter log events, and Live Tail", section "Matching terms
 * in unstructured log events" (docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html)
 * and in the FilterLogEvents examples of the SDK models:
 *
 * - an empty pattern matches every event;
 * - `ERROR Exception`: every term must occur in the message; terms are case sensitive;
 * - `"INTERNAL SERVER ERROR"`: an exact phrase (and any term holding non-alphanumeric characters) is
 *   written in double quotes;
 * - `?ERROR ?Exception`: the event matches when any of the `?` terms occurs;
 * - `ERROR -Exception`: a `-` term must not occur.
 *
 * A term occurs where its text is a substring of the message (so `Exception` finds
 * `IllegalArgumentException`), which is how the documentation's examples read and what other AWS
 * emulators do. When a pattern mixes kinds, the sandbox requires every plain term, at least one `?`
 * term and no `-` term; the documentation shows each kind only on its own.
 *
 * JSON (`{ $.level = "ERROR" }`), space-delimited (`[w1, w2]`) and regular-expression (`%ERR(OR)?%`)
 * patterns are refused: answering them as plain terms would count the wrong events.
 */

export interface FilterPattern {
  required: string[];
  anyOf: string[];
  excluded: string[];
}

/** The pattern every event matches. */
const EVERYTHING: FilterPattern = { required: [], anyOf: [], excluded: [] };

export function parseFilterPattern(text: string | undefined): FilterPattern {
  const pattern = (text ?? '').trim();
  if (pattern === '') return EVERYTHING;
  if (pattern.startsWith('{') || pattern.startsWith('[')) {
    throw invalidParameter(
      `The sandbox does not support JSON or space-delimited filter patterns (${pattern}); ` +
        'only terms, "quoted phrases", ?terms and -terms.',
    );
  }
  if (pattern.startsWith('%')) {
    throw invalidParameter(
      `The sandbox does not support regular-expression filter patterns (${pattern}); ` +
        'only terms, "quoted phrases", ?terms and -terms.',
    );
  }

  const parsed: FilterPattern = { required: [], anyOf: [], excluded: [] };
  let at = 0;
  while (at < pattern.length) {
    if (/\s/.test(pattern[at]!)) {
      at += 1;
      continue;
    }
    const operator = pattern[at] === '?' || pattern[at] === '-' ? pattern[at] : undefined;
    if (operator) at += 1;
    const { term, next } = pattern[at] === '"' ? readPhrase(pattern, at) : readWord(pattern, at);
    if (term === '') throw invalidParameter(`Invalid filter pattern: an empty term in ${pattern}.`);
    at = next;
    if (operator === '?') parsed.anyOf.push(term);
    else if (operator === '-') parsed.excluded.push(term);
    else parsed.required.push(term);
  }
  return parsed;
}

export function matches(pattern: FilterPattern, message: string): boolean {
  return (
    pattern.required.every((term) => message.includes(term)) &&
    (pattern.anyOf.length === 0 || pattern.anyOf.some((term) => message.includes(term))) &&
    !pattern.excluded.some((term) => message.includes(term))
  );
}

/** A bare word runs to the next whitespace. */
function readWord(pattern: string, from: number): { term: string; next: number } {
  let end = from;
  while (end < pattern.length && !/\s/.test(pattern[end]!)) end += 1;
  return { term: pattern.slice(from, end), next: end };
}

/** A quoted phrase runs to the closing quote; `\"` and `\\` stand for a quote and a backslash. */
function readPhrase(pattern: string, from: number): { term: string; next: number } {
  let term = '';
  let at = from + 1;
  while (at < pattern.length) {
    const char = pattern[at]!;
    if (char === '\\' && at + 1 < pattern.length) {
      term += pattern[at + 1];
      at += 2;
      continue;
    }
    if (char === '"') return { term, next: at + 1 };
    term += char;
    at += 1;
  }
  throw invalidParameter(`Invalid filter pattern: unterminated quoted phrase in ${pattern}.`);
}
