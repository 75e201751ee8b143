import { loadConfig } from '../config/app-config';
import { AllowedHosts } from '../config/allowed-hosts';
import { TargetError } from './target-error';
import { describeConnection, parseTargetUrl, resolveAllowed } from './target-url';

const reason = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return error instanceof TargetError ? `${error.reason}: ${error.message}` : String(error);
  }
  return 'accepted';
};

describe('parseTargetUrl', () => {
  it('keeps user, password, host, port, database and sslmode', () => {
    expect(
      parseTargetUrl('postgres://scan%40er:p%2Fw@DB.Example.com:6543/shop?sslmode=require'),
    ).toEqual({
      user: 'scan@er',
      password: 'p/w',
      host: 'db.example.com',
      port: 6543,
      database: 'shop',
      sslmode: 'require',
    });
    const v6 = parseTargetUrl('postgresql://u@[::1]/db');
    expect(v6.host).toBe('::1');
    expect(describeConnection(v6)).toBe('[::1]:5432/db');
  });

  it.each([
    ['postgres://u@db.example.com/shop?host=127.0.0.1', /parameter host /],
    ['postgres://u@db.example.com/shop?sslrootcert=/dev/zero', /parameter sslrootcert /],
    ['postgres://u@db.example.com/shop?sslkey=/etc/shadow', /parameter sslkey /],
    ['postgres://u@db.example.com/shop?options=-c%20x%3Dy', /parameter options /],
    ['postgres://u@db.example.com/shop?statement_timeout=0', /parameter statement_timeout /],
    ['postgres://u@db.example.com/shop?sslmode=require&sslmode=disable', /twice/],
    ['postgres://u@db.example.com/shop?sslmode=prefer', /sslmode must be one of/],
    ['postgres://u@%2Fvar%2Frun%2Fpostgresql/db', /DNS name or an IP address/],
    ['postgres://u@/db?host=/tmp', /not a valid URL/],
    ['postgres://u@localhost/db?host=/tmp', /parameter host /],
    ['postgres:///db', /names no host/],
    ['postgres://u@db.example.com:0/shop', /port/],
    ['postgres://u@db.example.com/a/b', /one database name/],
    ['postgres://u@db.example.com/shop#x', /fragment/],
    ['postgres://db.example.com/shop', /no user/],
    ['postgres://u%00x@db.example.com/shop', /control characters/],
    ['mysql://u@db.example.com/shop', /postgres:\/\//],
  ])('refuses %s', (url, message) => {
    expect(reason(() => parseTargetUrl(url))).toMatch(
      new RegExp(`^invalid_url: .*${message.source}`),
    );
  });
});

describe('AllowedHosts', () => {
  it('refuses entries that are not names, addresses or ranges', () => {
    expect(() => AllowedHosts.parse('10.0.0.0/33')).toThrow(/prefix/);
    expect(() => AllowedHosts.parse('db.example.com/8')).toThrow(/not a host name/);
    expect(() => AllowedHosts.parse('/var/run/postgresql')).toThrow(/not a host name/);
    expect(AllowedHosts.parse(' , ').empty).toBe(true);
  });

  it('matches names, addresses, ranges and IPv4-mapped IPv6', () => {
    const allowed = AllowedHosts.parse('DB.example.com, 10.1.0.0/16, 192.168.1.5, fd00::/8');
    expect(allowed.allowsName('db.example.com.')).toBe(true);
    expect(allowed.allowsName('other.example.com')).toBe(false);
    expect(allowed.allowsAddress('10.1.200.3')).toBe(true);
    expect(allowed.allowsAddress('::ffff:10.1.0.9')).toBe(true);
    expect(allowed.allowsAddress('10.2.0.1')).toBe(false);
    expect(allowed.allowsAddress('192.168.1.5')).toBe(true);
    expect(allowed.allowsAddress('fd12::1')).toBe(true);
    expect(allowed.allowsAddress('::1')).toBe(false);
    expect(allowed.allowsAddress('fe80::1%eth0')).toBe(false);
    expect(allowed.allowsAddress('not an address')).toBe(false);
  });
});

describe('resolveAllowed', () => {
  const target = (url: string) => parseTargetUrl(url);
  const lookups: string[] = [];
  const dns =
    (table: Record<string, string[]>) =>
    async (host: string): Promise<string[]> => {
      lookups.push(host);
      if (!table[host]) throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
      return table[host];
    };
  const refusedOrAddress = async (url: string, list: string, table: Record<string, string[]>) =>
    resolveAllowed(target(url), AllowedHosts.parse(list), 'x', 1000, dns(table)).catch(
      (e: TargetError) => e.reason,
    );

  beforeEach(() => (lookups.length = 0));

  it('refuses everything when the list is empty, without asking DNS', async () => {
    expect(await refusedOrAddress('postgres://u@127.0.0.1/db', '', {})).toBe('target_not_allowed');
    expect(
      await refusedOrAddress('postgres://u@db.internal/db', '', { 'db.internal': ['10.0.0.1'] }),
    ).toBe('target_not_allowed');
    expect(lookups).toEqual([]);
  });

  it('connects to the checked address; every resolved address must be listed', async () => {
    const list = '10.0.0.0/8';
    expect(
      await refusedOrAddress('postgres://u@db.internal/db', list, { 'db.internal': ['10.0.0.7'] }),
    ).toBe('10.0.0.7');
    expect(
      await refusedOrAddress('postgres://u@db.internal/db', list, {
        'db.internal': ['10.0.0.7', '127.0.0.1'],
      }),
    ).toBe('target_not_allowed');
    expect(await refusedOrAddress('postgres://u@127.0.0.2/db', '127.0.0.1', {})).toBe(
      'target_not_allowed',
    );
  });

  it('a name on the list is allowed by name; one that does not resolve is unreachable', async () => {
    expect(
      await refusedOrAddress('postgres://u@db.internal/db', 'db.internal', {
        'db.internal': ['172.16.0.1'],
      }),
    ).toBe('172.16.0.1');
    expect(await refusedOrAddress('postgres://u@db.internal/db', 'db.internal', {})).toBe(
      'unreachable',
    );
  });

  it('a name off the list that does not resolve is refused like one that resolves elsewhere', async () => {
    expect(await refusedOrAddress('postgres://u@nowhere.internal/db', '10.0.0.0/8', {})).toBe(
      'target_not_allowed',
    );
    expect(
      await refusedOrAddress('postgres://u@db.example.com/db', 'other.example.com', {
        'db.example.com': ['10.0.0.1'],
      }),
    ).toBe('target_not_allowed');
    // Only names are listed: a name off the list never reaches DNS.
    expect(lookups).toEqual(['nowhere.internal']);
  });
});

describe('discovery configuration', () => {
  it('defaults to no allowed host and a 32 MiB page', () => {
    const config = loadConfig({});
    expect(AllowedHosts.parse(config.PII_VAULT_DISCOVERY_ALLOWED_HOSTS).empty).toBe(true);
    expect(config.PII_VAULT_DISCOVERY_PAGE_MAX_BYTES).toBe(32 * 1024 * 1024);
  });

  it.each([
    [
      { PII_VAULT_DISCOVERY_ALLOWED_HOSTS: 'db.internal, 10.0.0.0/40' },
      /ALLOWED_HOSTS: "10.0.0.0\/40"/,
    ],
    [{ PII_VAULT_DISCOVERY_ALLOWED_HOSTS: 'postgres://db' }, /ALLOWED_HOSTS: "postgres:\/\/db"/],
    [{ PII_VAULT_DISCOVERY_PAGE_MAX_BYTES: '100' }, /PII_VAULT_DISCOVERY_PAGE_MAX_BYTES/],
  ])('refuses %j at start-up', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
