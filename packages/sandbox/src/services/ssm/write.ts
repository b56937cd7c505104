import type { JsonHandler } from '../../protocols/types.js';
import type { Parameter } from '../../world/types.js';
import { parameterAlreadyExists, parameterNotFound, validation } from './errors.js';
import { forget, rememberPrevious } from './history.js';
import { optionalBoolean, optionalString, requiredString, requiredStrings } from './input.js';
import { checkName } from './names.js';

const TYPES = ['String', 'StringList', 'SecureString'] as const;
const TIERS = ['Standard', 'Advanced', 'Intelligent-Tiering'] as const;
/** Value limits per tier: 4 KB Standard, 8 KB Advanced (aws.md §10). */
const MAX_VALUE_BYTES = { Standard: 4096, Advanced: 8192 } as const;
const MAX_DELETE = 10;

/**
 * PutParameter: creates (Type required) or, with `Overwrite`, replaces a parameter as a new version.
 * `LastModifiedDate` is the sandbox's clock, which the toolkit uses as AWS's clock.
 */
export const putParameter: JsonHandler = (ctx, input) => {
  const name = requiredString(input, 'Name');
  const value = requiredString(input, 'Value');
  const type = optionalString(input, 'Type');
  const requestedTier = optionalString(input, 'Tier');
  const overwrite = optionalBoolean(input, 'Overwrite') ?? false;
  if (input['Tags'] !== undefined && overwrite) {
    throw validation(
      "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please " +
        'remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or ' +
        'RemoveTagsFromResource.',
    );
  }
  if (type !== undefined && !isOneOf(TYPES, type)) throw enumError(type, 'type', TYPES);
  if (requestedTier !== undefined && !isOneOf(TIERS, requestedTier)) {
    throw enumError(requestedTier, 'tier', TIERS);
  }
  if (value.length === 0) {
    throw validation(
      "1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }

  const parameters = ctx.world.region(ctx.region).parameters;
  const existing = parameters.get(name);
  if (existing && !overwrite) throw parameterAlreadyExists();
  if (!existing) checkName(name);
  const resolvedType = (type ?? existing?.type) as Parameter['type'] | undefined;
  if (!resolvedType) throw validation('A parameter type is required when you create a parameter.');
  const tier = tierFor(requestedTier, existing?.tier, value);

  const parameter: Parameter = {
    name,
    region: ctx.region,
    type: resolvedType,
    value,
    version: (existing?.version ?? 0) + 1,
    lastModifiedDate: ctx.now(),
    tier,
  };
  if (existing) rememberPrevious(parameters, existing);
  parameters.set(name, parameter);
  return { Version: parameter.version, Tier: parameter.tier };
};

/** DeleteParameter: the parameter and all its versions. */
export const deleteParameter: JsonHandler = (ctx, input) => {
  const name = requiredString(input, 'Name');
  const parameters = ctx.world.region(ctx.region).parameters;
  if (!parameters.delete(name)) throw parameterNotFound(name);
  forget(parameters, name);
  return {};
};

/** DeleteParameters: up to 10 names; the missing ones come back in `InvalidParameters`. */
export const deleteParameters: JsonHandler = (ctx, input) => {
  const names = requiredStrings(input, 'Names');
  if (names.length < 1 || names.length > MAX_DELETE) {
    throw validation(`Names must hold between 1 and ${MAX_DELETE} parameter names.`);
  }
  const parameters = ctx.world.region(ctx.region).parameters;
  const deleted: string[] = [];
  const invalid: string[] = [];
  for (const name of new Set(names)) {
    if (parameters.delete(name)) {
      forget(parameters, name);
      deleted.push(name);
    } else {
      invalid.push(name);
    }
  }
  return { DeletedParameters: deleted, InvalidParameters: invalid };
};

/**
 * The tier a value is stored in. Intelligent-Tiering picks Standard when the value fits; an explicit
 * Standard that is too long is refused (the message AWS sends is unverified; the code is the
 * ValidationException of its other value checks).
 */
function tierFor(
  requested: (typeof TIERS)[number] | undefined,
  existing: Parameter['tier'] | undefined,
  value: string,
): Parameter['tier'] {
  const bytes = Buffer.byteLength(value, 'utf8');
  const tier =
    requested === 'Intelligent-Tiering'
      ? bytes <= MAX_VALUE_BYTES.Standard
        ? 'Standard'
        : 'Advanced'
      : (requested ?? existing ?? 'Standard');
  if (bytes > MAX_VALUE_BYTES[tier]) {
    throw validation(
      tier === 'Standard'
        ? 'Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger ' +
            'parameter value, upgrade the parameter to use the advanced-parameter tier.'
        : `Parameter value exceeds the ${MAX_VALUE_BYTES.Advanced} byte limit of the advanced tier.`,
    );
  }
  return tier;
}

function isOneOf<T extends string>(allowed: readonly T[], value: string): value is T {
  return (allowed as readonly string[]).includes(value);
}

function enumError(value: string, field: string, allowed: readonly string[]): Error {
  return validation(
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ` +
      `Member must satisfy enum value set: [${allowed.join(', ')}]`,
  );
}
