import { randomBytes } from 'node:crypto';

import { createDatabase, createKey, newMasterKey, Service } from './support/service';

/**
 * Issue #12, failed-authentication throttling, written as the attacks: a flood of wrong secrets
 * on a victim's (visible) lookup id must not lock the victim out, and an address past its failure
 * allowance is refused before any work. The key cache is off here, so every request of a key
 * goes through verification, as it does after the cache expires or on another replica.
 */

const FAILURES_PER_MINUTE = 10;
const VERIFICATIONS = 'pii_vault_api_key_verifications_total';

async function counter(service: Service, name: string): Promise<number> {
  const res = await service.request<string>('GET', '/metrics', { key: null });
  const match = new RegExp(`^${name} (\\d+)`, 'm').exec(res.body);
  return match ? Number(match[1]) : 0;
}

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
});
