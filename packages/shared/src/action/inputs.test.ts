import { InputError } from '../errors/input-error.js';
import { readBoolean, readChoice, readInteger, readString } from './inputs.js';

// The readers go through core.getInput, which reads INPUT_<NAME> from the environment: set it for real.
const set = (name: string, value: string): void => {
  process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
};

afterEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
});

function message(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('readString', () => {
  it('reads a hyphenated input name, trimmed', () => {
    set('ssl-mode', '  verify-full \n');
    expect(process.env['INPUT_SSL-MODE']).toBeDefined();
    expect(readString('ssl-mode')).toBe('verify-full');
  });

  it('falls back to the default, or undefined, when empty', () => {
    set('config', '');
    expect(readString('config', { default: '.github/db-migration.yml' })).toBe('.github/db-migration.yml');
    expect(readString('config')).toBeUndefined();
  });

  it('names a required input that is missing', () => {
    expect(message(() => readString('environment', { required: true }))).toBe(
      "Input 'environment': is required but was not set; add `environment: <value>` under `with:` in the workflow step.",
    );
  });
});

describe('readBoolean', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['True', true],
    ['tRuE', true],
    ['false', false],
    ['FALSE', false],
  ])('reads %p', (raw, expected) => {
    set('expect-empty', raw);
    expect(readBoolean('expect-empty', { default: !expected })).toBe(expected);
  });

  it('uses the default when empty', () => {
    expect(readBoolean('fail-on-warning', { default: true })).toBe(true);
  });

  it.each(['yes', '1', 'on', 'truthy'])('rejects %p, listing the accepted values', (raw) => {
    set('fail-on-warning', raw);
    expect(message(() => readBoolean('fail-on-warning', { default: false }))).toBe(
      `Input 'fail-on-warning': must be true or false; got '${raw}'.`,
    );
  });
});

describe('readInteger', () => {
  it('reads whole numbers within range', () => {
    set('max-replication-lag-seconds', '30');
    expect(readInteger('max-replication-lag-seconds', { default: 60, min: 0, max: 3600 })).toBe(30);
    set('max-replication-lag-seconds', '+0');
    expect(readInteger('max-replication-lag-seconds', { default: 60 })).toBe(0);
  });

  it('uses the default, or undefined, when empty', () => {
    expect(readInteger('max-attempts', { default: 5 })).toBe(5);
    expect(readInteger('max-attempts', { min: 1, max: 20 })).toBeUndefined();
  });

  it.each(['-1', '1.5', '1e3', 'ten', '0x10', '99999999999999999999'])('rejects %p', (raw) => {
    set('max-replication-lag-seconds', raw);
    expect(message(() => readInteger('max-replication-lag-seconds', { default: 60, max: 3600 }))).toBe(
      `Input 'max-replication-lag-seconds': must be a whole number from 0 to 3600; got '${raw}'.`,
    );
  });

  it('rejects negatives even without a stated minimum, and values over the maximum', () => {
    set('count', '-3');
    expect(message(() => readInteger('count'))).toBe(
      "Input 'count': must be a whole number of at least 0; got '-3'.",
    );
    set('count', '21');
    expect(message(() => readInteger('count', { min: 1, max: 20 }))).toBe(
      "Input 'count': must be a whole number from 1 to 20; got '21'.",
    );
  });
});

describe('readChoice', () => {
  const checks = ['health', 'parity', 'all'] as const;

  it('returns the canonical spelling, matching any case', () => {
    set('check', 'Health');
    expect(readChoice('check', checks, 'all')).toBe('health');
  });

  it('uses the default when empty', () => {
    expect(readChoice('check', checks, 'health')).toBe('health');
  });

  it('lists the allowed values', () => {
    set('check', 'speed');
    expect(message(() => readChoice('check', checks, 'health'))).toBe(
      "Input 'check': must be one of health, parity, all; got 'speed'.",
    );
  });
});
