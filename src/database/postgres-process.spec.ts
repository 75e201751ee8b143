import { postgresEnvironment } from './postgres-process';

describe('postgresEnvironment', () => {
  it('passes PostgreSQL the search path, locale and time zone, and nothing of the service', () => {
    const env = postgresEnvironment({
      PATH: '/usr/bin:/bin',
      LANG: 'C.UTF-8',
      LC_CTYPE: 'en_US.UTF-8',
      TZ: 'UTC',
      HOME: '/home/vault',
      PII_VAULT_MASTER_KEY: 'a2V5',
      PII_VAULT_BOOTSTRAP_ADMIN_KEY: 'admin-key',
      DATABASE_URL: 'postgres://u:p@db/vault',
      TLS_KEY_FILE: '/run/secrets/tls.key',
      AWS_SECRET_ACCESS_KEY: 'secret',
      LD_PRELOAD: '/tmp/evil.so',
    });
    expect(env).toEqual({
      PATH: '/usr/bin:/bin',
      LANG: 'C.UTF-8',
      LC_CTYPE: 'en_US.UTF-8',
      TZ: 'UTC',
      LC_MESSAGES: 'C',
    });
  });
});
