import { randomBytes } from 'node:crypto';

import { createDatabase, createKey, newMasterKey, Service, withClient } from './support/service';

interface Tokenized {
  text: string;
  entities: { type: string; token: string }[];
}
interface Verify {
  intact: boolean;
  checked: number;
}

/** Two service processes on one database, as two replicas behind a load balancer. */
describe('two service processes on one database', () => {
  let a: Service;
  let b: Service;

  beforeAll(async () => {
    const db = await createDatabase('replicas');
    const masterKey = newMasterKey();
    a = await Service.start({ databaseUrl: db.url, masterKey });
    b = await Service.start({ databaseUrl: db.url, masterKey });
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('gives one value one token, whichever process and however many at once', async () => {
    const value = `replica.${randomBytes(4).toString('hex')}@example.org`;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).post<Tokenized>('/v1/tokenize', { text: `mail ${value}` }),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(new Set(results.map((r) => r.body.entities[0].token)).size).toBe(1);
    const restored = await a.post<{ text: string }>('/v1/detokenize', {
      text: results[0].body.text,
    });
    expect(restored.body.text).toBe(`mail ${value}`);
  });

  it('keeps the audit chain intact under concurrent reveals from both', async () => {
    const admin = await createKey(a, ['admin'], 'replica-audit');
    const tokenized = await b.post<Tokenized>(
      '/v1/tokenize',
      { text: `r.${randomBytes(4).toString('hex')}@example.org` },
      admin,
    );
    const reveals = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 ? a : b).post('/v1/detokenize', { text: tokenized.body.text }, admin),
      ),
    );
    expect(reveals.every((r) => r.status === 200)).toBe(true);
    for (const service of [a, b]) {
      const verify = await service.request<Verify>('GET', '/v1/audit/verify', { key: admin });
      expect(verify.status).toBe(200);
      // 60 reveals and the key's own creation.
      expect(verify.body).toMatchObject({ intact: true, checked: 61 });
    }
  });

  it('refuses a key revoked through one process on the other within a second', async () => {
    const res = await a.request<{ key: string; id: string }>('POST', '/v1/admin/api-keys', {
      body: { name: 'to-revoke', roles: ['admin'] },
    });
    const key = res.body.key;
    // B has verified (and cached) the key before it is revoked through A.
    expect((await b.request('GET', '/v1/policies', { key })).status).toBe(200);
    expect((await b.request('GET', '/v1/policies', { key })).status).toBe(200);
    expect((await a.request('DELETE', `/v1/admin/api-keys/${res.body.id}`)).status).toBe(200);
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 1000) {
      status = (await b.request('GET', '/v1/policies', { key })).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
  });
});

describe('PII_VAULT_API_KEY_CACHE_SECONDS=0', () => {
  let service: Service;
  let db: { url: string; name: string };

  beforeAll(async () => {
    db = await createDatabase('nocache');
    service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: { PII_VAULT_API_KEY_CACHE_SECONDS: '0' },
    });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('caches no key: one revoked in the database without any notice is refused at once', async () => {
    const res = await service.request<{ key: string; id: string }>('POST', '/v1/admin/api-keys', {
      body: { name: 'uncached', roles: ['admin'] },
    });
    const key = res.body.key;
    expect((await service.request('GET', '/v1/policies', { key })).status).toBe(200);
    expect((await service.request('GET', '/v1/policies', { key })).status).toBe(200);
    // Behind the service's back: no revocation notice reaches it.
    await withClient(db.url, (c) =>
      c.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [res.body.id]),
    );
    expect((await service.request('GET', '/v1/policies', { key })).status).toBe(401);
  });
});
