import { loadConfig } from './app-config';

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(8080);
    expect(config.PII_VAULT_DATA_DIR).toBe('./.data');
    expect(config.PII_VAULT_BODY_LIMIT_BYTES).toBe(1024 * 1024);
  });

  it.each([
    [{ PORT: 'http' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PII_VAULT_MASTER_KEY: 'c2hvcnQ=' }, 'PII_VAULT_MASTER_KEY'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ PII_VAULT_BODY_LIMIT_BYTES: '10' }, 'PII_VAULT_BODY_LIMIT_BYTES'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('rejects %j naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(name);
  });
});
