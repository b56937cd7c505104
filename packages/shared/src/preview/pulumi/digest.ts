import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../../errors/index.js';

/*
 * The file `pulumi preview --json` writes: a `PreviewDigest` (pulumi/pulumi `pkg/display/json.go`; its
 * states are `apitype.ResourceV3` of `sdk/go/common/apitype`). Only what the guard reads is declared;
 * everything else a newer Pulumi adds passes through untouched, so a new field never breaks the guard.
 */

/** Every op the engine can plan (pulumi/pulumi `pkg/resource/deploy/step.go`, `StepOp`). */
export const STEP_OPS = [
  'same',
  'create',
  'update',
  'delete',
  'replace',
  'create-replacement',
  'delete-replaced',
  'read',
  'read-replacement',
  'refresh',
  'discard',
  'discard-replaced',
  'remove-pending-replace',
  'import',
  'import-replacement',
] as const;

const resourceState = z
  .object({
    urn: z.string().optional(),
    type: z.string().optional(),
    id: z.string().optional(),
    inputs: z.record(z.string(), z.unknown()).optional(),
    outputs: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

/** `PropertyDiff.kind`: add, add-replace, delete, delete-replace, update, update-replace. */
const propertyDiff = z.object({ kind: z.string(), inputDiff: z.boolean().optional() }).passthrough();

const previewStep = z
  .object({
    // Unknown ops are kept (a newer engine may add one): the guard refuses what it cannot judge.
    op: z.string(),
    urn: z.string(),
    oldState: resourceState.nullish(),
    newState: resourceState.nullish(),
    diffReasons: z.array(z.string()).nullish(),
    replaceReasons: z.array(z.string()).nullish(),
    detailedDiff: z.record(z.string(), propertyDiff).nullish(),
  })
  .passthrough();

const previewDigest = z
  .object({
    steps: z.array(previewStep).optional(),
    changeSummary: z.record(z.string(), z.number()).optional(),
    diagnostics: z
      .array(
        z.object({
          urn: z.string().optional(),
          message: z.string().optional(),
          severity: z.string().optional(),
        }),
      )
      .optional(),
  })
  .passthrough();

export type PreviewDigest = z.infer<typeof previewDigest>;
export type PreviewStep = z.infer<typeof previewStep>;
export type ResourceState = z.infer<typeof resourceState>;

export const PULUMI_PREVIEW_INPUT = 'pulumi-preview-json';

/** Parses a preview file's text; a file that is not a PreviewDigest is an input error naming the input. */
export function parsePreviewDigest(text: string, input = PULUMI_PREVIEW_INPUT): PreviewDigest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      input,
      `is not JSON (${(error as Error).message}). Give the file \`pulumi preview --json > preview.json\` writes.`,
    );
  }
  const parsed = previewDigest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new InputError(
      input,
      `is not the output of \`pulumi preview --json\` (a PreviewDigest: {"steps": [{"op", "urn", …}], …}): ` +
        `${issue?.message ?? 'unexpected shape'}${where}.`,
    );
  }
  return parsed.data;
}

/** Reads and parses the preview file at `path`. */
export async function readPreviewDigest(path: string, input = PULUMI_PREVIEW_INPUT): Promise<PreviewDigest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputError(
      input,
      `cannot read ${path} (${code}). Give the path of the file \`pulumi preview --json > preview.json\` wrote, ` +
        'relative to the workspace.',
    );
  }
  return parsePreviewDigest(text, input);
}
