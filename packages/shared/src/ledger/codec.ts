import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { EVENT_TYPE_PATTERN, MAX_EVENT_TYPE_LENGTH, type JsonObject } from './event.js';

/*
 * How an event is kept in SSM. The value of the head parameter (the one whose create is the append) is
 * the event's JSON document, or, for an event longer than a Standard parameter holds, a reference to its
 * parts: the document's text cut into pieces of at most 4 KB, each its own parameter, written before
 * the head so that a head never points at parts that are not there yet.
 */

/** A Standard parameter's value limit (aws.md §10). Advanced (8 KB) costs per parameter and month. */
export const MAX_VALUE_BYTES = 4096;
/** 16 parts of 4 KB: far more than any event needs (cutover's old values are a few hundred bytes). */
export const MAX_PARTS = 16;
export const FORMAT_VERSION = 1;

const text = z.string().check(z.minLength(1));
const eventType = z.string().check(z.maxLength(MAX_EVENT_TYPE_LENGTH), z.regex(EVENT_TYPE_PATTERN));
const json: z.ZodMiniType<JsonObject> = z.record(
  z.string(),
  z.unknown(),
) as unknown as z.ZodMiniType<JsonObject>;

const review = z.object({
  login: text,
  state: z.enum(['approved', 'rejected', 'pending']),
  environments: z.array(z.string()),
  comment: z.optional(z.string()),
});

const approvers = z.discriminatedUnion('known', [
  z.object({ known: z.literal(true), reviews: z.array(review) }),
  z.object({ known: z.literal(false), reason: text }),
]);

const run = z.object({
  url: z.optional(text),
  id: z.optional(text),
  attempt: z.optional(z.int().check(z.positive())),
  actor: z.optional(text),
  workflow: z.optional(text),
});

/** The whole event as stored; `at` and `sequence` come from the parameter, not the document. */
export const eventDocument = z.object({
  v: z.literal(FORMAT_VERSION),
  id: text,
  type: eventType,
  environment: text,
  run,
  approvers,
  requestIds: z.array(text),
  data: json,
  secrets: z.optional(z.record(z.string(), text)),
});
export type EventDocument = z.infer<typeof eventDocument>;

/** A head that stands for an event kept in parts. */
const partsHead = z.object({
  v: z.literal(FORMAT_VERSION),
  id: text,
  type: eventType,
  environment: text,
  parts: z.object({
    count: z.int().check(z.gte(2), z.lte(MAX_PARTS)),
    sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  }),
});
export type PartsHead = z.infer<typeof partsHead>;

export interface Encoded {
  head: string;
  /** Empty when the document fits in the head. */
  parts: string[];
  digest: string;
}

/** The head's value and, for a long document, its parts. Throws when even the parts cannot hold it. */
export function encodeEvent(document: EventDocument): Encoded {
  const full = JSON.stringify(document);
  const digest = createHash('sha256').update(full).digest('hex');
  if (Buffer.byteLength(full, 'utf8') <= MAX_VALUE_BYTES) return { head: full, parts: [], digest };
  const parts = cutUtf8(full, MAX_VALUE_BYTES);
  if (parts.length > MAX_PARTS) {
    throw new Error(
      `The ${document.type} event for ${document.environment} is ${Buffer.byteLength(full, 'utf8')} bytes as ` +
        `JSON, more than the ledger keeps for one event (${MAX_PARTS} parameters of ${MAX_VALUE_BYTES} bytes): ` +
        'record less in its data (counts and names, not listings), or split it into several events.',
    );
  }
  const head: PartsHead = {
    v: FORMAT_VERSION,
    id: document.id,
    type: document.type,
    environment: document.environment,
    parts: { count: parts.length, sha256: digest },
  };
  return { head: JSON.stringify(head), parts, digest };
}

/** A head read back: the document itself, or the reference to its parts. */
export type DecodedHead = { document: EventDocument } | { parts: PartsHead };

/**
 * Parses a head. The error says what is wrong by field and expectation and never quotes the value,
 * which may be a SecureString's plaintext.
 */
export function decodeHead(value: string): DecodedHead {
  const parsed = parseJson(value);
  if (typeof parsed === 'object' && parsed !== null && 'parts' in parsed) {
    return { parts: check(partsHead, parsed) };
  }
  return { document: check(eventDocument, parsed) };
}

/** Joins an event's parts and checks them against the head's digest before parsing. */
export function decodeParts(head: PartsHead, parts: string[]): EventDocument {
  const full = parts.join('');
  const digest = createHash('sha256').update(full).digest('hex');
  if (digest !== head.parts.sha256) {
    throw new Error(
      `its ${head.parts.count} parts do not add up to the event the head names (digest differs)`,
    );
  }
  const document = check(eventDocument, parseJson(full));
  if (document.id !== head.id || document.type !== head.type) {
    throw new Error('its parts hold another event than the head names');
  }
  return document;
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    // JSON.parse's own message quotes the text, which may be secret.
    throw new Error('its value is not JSON');
  }
}

function check<T>(schema: z.ZodMiniType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new Error(
    `its value is not a ledger event: ${result.error.issues.slice(0, 5).map(describeIssue).join('; ')}`,
  );
}

/** One schema issue as "field: what was expected", without the value found. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.join('.') : 'the document';
  switch (issue.code) {
    case 'invalid_type':
      return `${where} must be ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}`;
    case 'invalid_value':
      return `${where} must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'invalid_format':
      return `${where} is not in the expected form`;
    case 'too_small':
      return `${where} is too ${issue.origin === 'string' || issue.origin === 'array' ? 'short' : 'small'}`;
    case 'too_big':
      return `${where} is too ${issue.origin === 'string' || issue.origin === 'array' ? 'long' : 'large'}`;
    case 'invalid_union':
      return `${where} is none of the expected forms`;
    default:
      return `${where} is invalid (${issue.code})`;
  }
}

/** Cuts text into pieces of at most `limit` UTF-8 bytes, never inside a character. */
function cutUtf8(full: string, limit: number): string[] {
  const pieces: string[] = [];
  let current = '';
  let bytes = 0;
  for (const character of full) {
    const size = Buffer.byteLength(character, 'utf8');
    if (bytes + size > limit) {
      pieces.push(current);
      current = '';
      bytes = 0;
    }
    current += character;
    bytes += size;
  }
  if (current !== '') pieces.push(current);
  return pieces;
}
