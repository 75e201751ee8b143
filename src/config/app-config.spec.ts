import { loadConfig } from './app-config';

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(8080);
    expect(config.PII_VAULT_DATA_DIR).toBe('./.data');
    expect(config.PII_VAULT_BODY_LIMIT_BYTES).toBe(1024 * 1024);
    expect(config.PII_VAULT_RATE_LIMIT_PER_MINUTE).toBe(6000);
    expect(config.PII_VAULT_RATE_LIMIT_STORE).toBe('memory');
    expect(config.PII_VAULT_AUTH_FAILURES_PER_MINUTE).toBe(30);
    expect(config.PII_VAULT_REVEAL_BUDGET_PER_HOUR).toBe(10000);
    expect(config.CORS_ORIGINS).toBeUndefined();
    expect(config.TLS_CERT_FILE).toBeUndefined();
    expect(config.TRUST_PROXY).toBe(false);
  });

  it('reads TRUST_PROXY as a hop count or a list of proxy addresses, never as "every hop"', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1, ::1' }).TRUST_PROXY).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
    ]);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow('TRUST_PROXY');
  });

  it('accepts CORS origins as a comma-separated list', () => {
    expect(
      loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:3000' }).CORS_ORIGINS,
    ).toBe('https://a.example, http://localhost:3000');
  });

  it.each([
    [{ PORT: 'http' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PII_VAULT_MASTER_KEY: 'c2hvcnQ=' }, 'PII_VAULT_MASTER_KEY'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ PII_VAULT_BODY_LIMIT_BYTES: '10' }, 'PII_VAULT_BODY_LIMIT_BYTES'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ CORS_ORIGINS: 'evil.example' }, 'CORS_ORIGINS'],
    [{ PII_VAULT_METRICS_TOKEN: 'short' }, 'PII_VAULT_METRICS_TOKEN'],
    [{ PII_VAULT_RATE_LIMIT_PER_MINUTE: '-1' }, 'PII_VAULT_RATE_LIMIT_PER_MINUTE'],
    [{ PII_VAULT_RATE_LIMIT_STORE: 'redis' }, 'PII_VAULT_RATE_LIMIT_STORE'],
    [{ PII_VAULT_AUTH_FAILURES_PER_MINUTE: '0' }, 'PII_VAULT_AUTH_FAILURES_PER_MINUTE'],
    [{ PII_VAULT_REVEAL_BUDGET_PER_HOUR: 'lots' }, 'PII_VAULT_REVEAL_BUDGET_PER_HOUR'],
    [{ PII_VAULT_ALERT_WEBHOOK_URL: 'ftp://x' }, 'PII_VAULT_ALERT_WEBHOOK_URL'],
    [{ TLS_CERT_FILE: '/etc/cert.pem' }, 'TLS_KEY_FILE'],
    [{ TLS_CLIENT_CA_FILE: '/etc/ca.pem' }, 'TLS_CLIENT_CA_FILE'],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '11' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    [{ PII_VAULT_MAX_VALUES_PER_REQUEST: '0' }, 'PII_VAULT_MAX_VALUES_PER_REQUEST'],
    [{ PII_VAULT_DB_IDLE_TIMEOUT_SECONDS: '-1' }, 'PII_VAULT_DB_IDLE_TIMEOUT_SECONDS'],
    [{ PII_VAULT_DB_IDLE_TIMEOUT_SECONDS: 'never' }, 'PII_VAULT_DB_IDLE_TIMEOUT_SECONDS'],
  ])('rejects %j naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(name);
  });
});
