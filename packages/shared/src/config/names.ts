/**
 * AWS's naming rules for each kind of name the config holds. Checking them up front turns a late,
 * cryptic AWS validation error into a message that points at the config line.
 */
export interface NameRule {
  /** What the name is, for the message: "RDS identifier". */
  kind: string;
  /** The expected form, for the message. */
  expected: string;
  test(name: string): boolean;
}

export const rdsIdentifier: NameRule = {
  kind: 'RDS identifier',
  expected:
    "1-63 letters, digits or hyphens, starting with a letter, without '--' and not ending in a hyphen",
  test: (name) =>
    name.length <= 63 && /^[A-Za-z][A-Za-z0-9-]*$/.test(name) && !name.includes('--') && !name.endsWith('-'),
};

export const dynamodbTableName: NameRule = {
  kind: 'DynamoDB table name',
  expected: '3-255 characters among A-Z a-z 0-9 _ . -',
  test: (name) => /^[A-Za-z0-9_.-]{3,255}$/.test(name),
};

export const ssmParameterName: NameRule = {
  kind: 'SSM parameter name',
  expected:
    "a path starting with '/' of letters, digits and _ . - /, at most 1011 characters and 15 levels, " +
    'not under /aws or /ssm (e.g. /app/dev/database/endpoint)',
  test: (name) =>
    name.startsWith('/') &&
    /^[A-Za-z0-9_.\-/]+$/.test(name) &&
    name.length <= 1011 &&
    name.split('/').length - 1 <= 15 &&
    !/^\/(aws|ssm)/i.test(name),
};

export const secretName: NameRule = {
  kind: 'Secrets Manager secret name',
  expected: '1-512 characters among A-Z a-z 0-9 / _ + = . @ -',
  test: (name) => /^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name),
};

export const autoScalingGroupName: NameRule = {
  kind: 'Auto Scaling group name',
  expected: '1-255 printable characters, without leading or trailing spaces',
  test: (name) => /^[\x21-\x7E](?:[\x20-\x7E]{0,253}[\x21-\x7E])?$/.test(name),
};

export const postgresName: NameRule = {
  kind: 'PostgreSQL name',
  expected: '1-63 letters, digits or underscores, starting with a letter',
  test: (name) => /^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(name),
};
