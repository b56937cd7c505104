import { parseDatabaseSecret } from './secret.js';

describe('parseDatabaseSecret', () => {
  it('takes a plain string as the password, as the guide stores it', () => {
    expect(parseDatabaseSecret('s3cret-Value', 'db-password-v2-dev')).toEqual({ password: 's3cret-Value' });
  });

  it('reads username and password from a JSON document (RDS-managed or rotation secret)', () => {
    const raw = JSON.stringify({
      engine: 'postgres',
      host: 'h',
      username: 'app',
      password: 'pw-123',
      port: 5432,
    });
    expect(parseDatabaseSecret(raw, 'id')).toEqual({ username: 'app', password: 'pw-123' });
    expect(parseDatabaseSecret(JSON.stringify({ password: 'pw-123' }), 'id')).toEqual({ password: 'pw-123' });
  });

  it.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['{"password": "hunter2-not-json"', 'is not valid JSON'],
    ['{"username": "app"}', 'without a non-empty string "password"'],
    ['{"username": "app", "password": 42}', 'without a non-empty string "password"'],
    ['{"username": 7, "password": "hunter2"}', '"username" that is not a string'],
  ])('refuses %p, naming the secret and never quoting its value', (raw, message) => {
    let error: Error | undefined;
    try {
      parseDatabaseSecret(raw, 'db-password-v2-dev');
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toContain('secret db-password-v2-dev ');
    expect(error?.message).toContain(message);
    expect(error?.message).not.toContain('hunter2');
  });
});
