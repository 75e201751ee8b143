import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { ADMIN_KEY, createDatabase, createKey, newMasterKey, Service } from './support/service';
import { counter } from './support/probes';

/**
 * Issue #12, failed-authentication throttling, written as the attacks: a flood of wrong secrets
 * on a victim's (visible) lookup id must not lock the victim out, and an address past its failure
 * allowance is refused before any work. The key cache is off here, so every request of a key
 * goes through verification, as it does after the cache expires or on another replica.
 */

const FAILURES_PER_MINUTE = 10;
const VERIFICATIONS = 'pii_vault_api_key_verifications_total';

const from = (address: string) => ({ 'x-forwarded-for': address });
const lookupIdOf = (key: string) => /^pvk_([a-z2-7]{16})_/.exec(key)![1];
const wrongSecretFor = (key: string) =>
  `pvk_${lookupIdOf(key)}_${randomBytes(32).toString('base64url')}`;

describe('security: failed-authentication throttling cannot be turned on good keys', () => {
  let service: Service;

  beforeAll(async () => {
    const db = await createDatabase('secauth');
    service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: {
        TRUST_PROXY: '1',
        PII_VAULT_AUTH_FAILURES_PER_MINUTE: String(FAILURES_PER_MINUTE),
        PII_VAULT_API_KEY_CACHE_SECONDS: '0',
      },
    });
  });

  afterAll(async () => {
    await service?.stop();
  });

  /** Wrong secrets for the victim's lookup id, FAILURES_PER_MINUTE from each address, at once. */
  async function flood(victim: string, addresses: string[]): Promise<number[]> {
    return Promise.all(
      addresses.flatMap((address) =>
        Array.from({ length: FAILURES_PER_MINUTE }, () =>
          service
            .request('GET', '/v1/policies', { key: wrongSecretFor(victim), headers: from(address) })
            .then((r) => r.status),
        ),
      ),
    );
  }

  const attackers = (net: number) => Array.from({ length: 5 }, (_, i) => `10.${net}.0.${i + 1}`);

  it('a flood of wrong secrets on a used key’s lookup id does not lock the key out', async () => {
    const victim = await createKey(service, ['admin'], 'victim');
    const home = from('192.0.2.10');
    expect(
      (await service.request('GET', '/v1/policies', { key: victim, headers: home })).status,
    ).toBe(200);

    const before = await counter(service, VERIFICATIONS);
    const statuses = await flood(victim, attackers(66));
    const ran = (await counter(service, VERIFICATIONS)) - before;
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    // Argon2 stays bounded: the key's allowance plus one overflow attempt per flooding address.
    expect(ran).toBeLessThanOrEqual(FAILURES_PER_MINUTE + attackers(66).length);

    // The victim is still served, from home and even from a flooding address.
    for (let i = 0; i < 3; i++) {
      expect(
        (await service.request('GET', '/v1/policies', { key: victim, headers: home })).status,
      ).toBe(200);
    }
    const fromAttacker = await service.request('GET', '/v1/policies', {
      key: victim,
      headers: from(attackers(66)[0]),
    });
    expect(fromAttacker.status).toBe(200);
    // ...while the attacker's next wrong secret is still refused before argon2.
    const beforeRetry = await counter(service, VERIFICATIONS);
    const retry = await service.request('GET', '/v1/policies', {
      key: wrongSecretFor(victim),
      headers: from(attackers(66)[0]),
    });
    expect(retry.status).toBe(429);
    expect(await counter(service, VERIFICATIONS)).toBe(beforeRetry);
  });

  it('a flood on a never-used key’s lookup id leaves its holder one attempt per address', async () => {
    const victim = await createKey(service, ['admin'], 'victim');
    const statuses = await flood(victim, attackers(67));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    // The key's own allowance is spent; the holder's address has not failed, so it is served.
    const first = await service.request('GET', '/v1/policies', {
      key: victim,
      headers: from('192.0.2.20'),
    });
    expect(first.status).toBe(200);
    // From then on it is known good: no allowance applies to it.
    for (let i = 0; i < 3; i++) {
      const res = await service.request('GET', '/v1/policies', {
        key: victim,
        headers: from('192.0.2.21'),
      });
      expect(res.status).toBe(200);
    }
  });

  it('refuses an address past its failure allowance with 429 before any argon2', async () => {
    const address = from('198.51.100.77');
    const target = await createKey(service, ['admin'], 'target');
    const guesses: number[] = [];
    for (let i = 0; i < FAILURES_PER_MINUTE; i++) {
      const res = await service.request('GET', '/v1/policies', {
        key: `pvk_${randomBytes(10)
          .toString('hex')
          .slice(0, 16)
          .replace(/[0189]/g, 'a')}_${randomBytes(32).toString('base64url')}`,
        headers: address,
      });
      guesses.push(res.status);
    }
    expect(guesses.every((s) => s === 401)).toBe(true);

    const before = await counter(service, VERIFICATIONS);
    // A wrong secret for a real key, and a real key never used: both wait, with Retry-After,
    // and neither costs argon2.
    for (const key of [wrongSecretFor(target), target]) {
      const res = await service.request<{ error: { code: string } }>('GET', '/v1/policies', {
        key,
        headers: address,
      });
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('rate_limited');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(await counter(service, VERIFICATIONS)).toBe(before);
    // Other addresses are not affected.
    const elsewhere = await service.request('GET', '/v1/policies', {
      key: target,
      headers: from('198.51.100.78'),
    });
    expect(elsewhere.status).toBe(200);
  });

  it('does not count a good key against its address: many keys from one address verify', async () => {
    const address = from('192.0.2.99');
    for (let i = 0; i < FAILURES_PER_MINUTE + 5; i++) {
      const key = await createKey(service, ['admin'], `many${i % 3}`);
      const res = await service.request('GET', '/v1/policies', { key, headers: address });
      expect(res.status).toBe(200);
    }
  });

  describe('inputs the database cannot hold answer 400 naming the field, never 500', () => {
    type ErrorBody = { error: { code: string; message: string } };

    it('refuses a policy version beyond the int4 range', async () => {
      for (const version of ['2147483648', '99999999999999999999']) {
        const res = await service.request<ErrorBody>(
          'GET',
          `/v1/policies/default?version=${version}`,
        );
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('invalid_request');
        expect(res.body.error.message).toContain('version');
      }
      const largest = await service.request('GET', '/v1/policies/default?version=2147483647');
      expect(largest.status).toBe(404);
    });

    it.each([
      ['POST', '/v1/admin/api-keys', { name: 'a\u0000b', roles: ['admin'] }, 'name'],
      [
        'PUT',
        '/v1/policies/nul',
        { limits: { revealBudgetPerHour: { 'x\u0000': 1 } } },
        'limits.revealBudgetPerHour has a key that',
      ],
      ['PUT', '/v1/policies/nul', { callers: ['support', 'sup\u0000port'] }, 'callers[1]'],
      [
        'PUT',
        '/v1/policies/nul',
        { detection: { recognizers: [{ type: 'BADGE', pattern: 'B\u0000' }] } },
        'detection.recognizers[0].pattern',
      ],
      [
        'POST',
        '/v1/discovery/connections',
        { name: 'sh\u0000op', url: 'postgres://u:p@127.0.0.1/x' },
        'name',
      ],
      [
        'POST',
        '/v1/discovery/scans',
        { connection: { url: 'postgres://u:p@127.0.0.1/x' }, schemas: ['public\u0000'] },
        'schemas[0]',
      ],
      [
        'POST',
        '/v1/discovery/scans',
        { connection: { url: 'postgres://u:p@127.0.0.1/x' }, tables: ['a\u0000'] },
        'tables[0]',
      ],
      ['POST', '/v1/tokenize', { text: 'mail a\u0000@example.org' }, 'text'],
      ['POST', '/v1/detect', { text: 'x\u0000' }, 'text'],
    ])(
      '%s %s with a NUL answers 400 naming the field (case %#)',
      async (method, route, body, field) => {
        const res = await service.request<ErrorBody>(method, route, { body });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('invalid_request');
        expect(res.body.error.message).toContain(`${field} contains a NUL`);
      },
    );

    it('refuses a NUL in the path or query string', async () => {
      for (const route of [
        '/v1/policies/a%00b',
        '/v1/policies/default?version=1%00',
        '/v1/audit?action=x%00',
      ]) {
        const res = await service.request<ErrorBody>('GET', route);
        expect(res.status).toBe(400);
        expect(res.body.error).toEqual({
          code: 'invalid_request',
          message: expect.stringContaining('NUL') as string,
        });
      }
    });
  });

  describe('error messages never echo a caller’s property names', () => {
    const pii = 'john.smith@example.com';

    it('an unknown property in a request body', async () => {
      const res = await service.post('/v1/admin/api-keys', {
        name: 'k',
        roles: ['admin'],
        [pii]: 1,
      });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).not.toContain('john');
      expect(JSON.stringify(res.body)).toContain('unknown property');
      // A plain typo is still named, so a client can fix it.
      const typo = await service.post('/v1/admin/api-keys', {
        name: 'k',
        roles: ['admin'],
        nmae: 1,
      });
      expect(JSON.stringify(typo.body)).toContain('unknown property \\"nmae\\"');
    });

    it('an unknown property nested in a request body', async () => {
      const res = await service.post('/v1/discovery/scans', {
        connection: { url: 'postgres://u:p@127.0.0.1/x', [pii]: 'x' },
      });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).not.toContain('john');
    });

    it('keys anywhere in a policy document', async () => {
      for (const document of [
        { [pii]: {} },
        { tokens: { [pii]: { format: 'random' } } },
        { tokens: { EMAIL_ADDRESS: { [pii]: 1 } } },
        { access: { [pii]: { '*': 'full' } } },
        { access: { support: { [pii]: 'full' } } },
        { limits: { [pii]: 1, revealBudgetPerHour: { [pii]: 5 } } },
        { detection: { [pii]: true } },
      ]) {
        const res = await service.request('PUT', '/v1/policies/echo', { body: document });
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body)).not.toContain('john');
      }
    });
  });

  it('audits the limits a new key is granted', async () => {
    const created = await service.post<{ id: string }>('/v1/admin/api-keys', {
      name: 'greedy',
      roles: ['admin'],
      rateLimitPerMinute: 9_000_000,
      revealBudgetPerHour: 90_000_000,
    });
    expect(created.status).toBe(201);
    const audit = await service.request<{ events: { details: Record<string, unknown> }[] }>(
      'GET',
      '/v1/audit?action=api_key.create',
    );
    const row = audit.body.events.find((e) => e.details.keyId === created.body.id);
    expect(row?.details).toMatchObject({
      name: 'greedy',
      rateLimitPerMinute: 9_000_000,
      revealBudgetPerHour: 90_000_000,
    });
  });

  it('answers 431 to oversized headers in the error shape', async () => {
    const { hostname, port } = new URL(service.baseUrl);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: hostname,
          port,
          path: '/v1/policies',
          headers: { authorization: `Bearer ${ADMIN_KEY}`, 'x-padding': 'p'.repeat(64 * 1024) },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: 'headers_too_large', message: expect.any(String) as string },
    });
  });

  it.each(['0.0.0.0/0', '0.0.0.0/1,128.0.0.0/1', '::/0', '::ffff:0:0/96'])(
    'refuses to start with TRUST_PROXY=%s, which trusts every peer, naming the variable',
    async (value) => {
      const failed = await Service.startFailing({
        masterKey: newMasterKey(),
        env: { TRUST_PROXY: value, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      });
      expect(failed.code).not.toBe(0);
      expect(failed.output).toContain('TRUST_PROXY');
      expect(failed.output).not.toMatch(/\bat .+\.js:\d+/);
    },
  );
});
