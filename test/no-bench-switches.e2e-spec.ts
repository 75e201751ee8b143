import { randomBytes } from 'node:crypto';

import { createDatabase, createKey, newMasterKey, Service, withClient } from './support/service';

/**
 * Issue 12 item 10. A service used to mount, with PII_VAULT_BENCH_ENDPOINTS=true, an admin route
 * (PUT /v1/bench/switches) with which an admin of any tenant could switch auditing, rate limits,
 * the reveal budget, logs, metrics and headers off for the whole process. The attacker below sets
 * that variable anyway and tries: nothing is mounted, and everything stays on.
 */
describe('no bench switch, even with PII_VAULT_BENCH_ENDPOINTS=true', () => {
  let service: Service;
  let dbUrl: string;
  let tenantAdmin: string;

  beforeAll(async () => {
    const db = await createDatabase('nobench');
    dbUrl = db.url;
    service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: { PII_VAULT_BENCH_ENDPOINTS: 'true' },
    });
    tenantAdmin = await createKey(service, ['admin'], `tenant-${randomBytes(3).toString('hex')}`);
  });

  afterAll(async () => {
    await service?.stop();
  });

  const auditRows = () =>
    withClient(dbUrl, async (c) =>
      Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM audit_events')).rows[0].n),
    );

  it('PUT /v1/bench/switches is 404 for a tenant admin and for the bootstrap admin', async () => {
    for (const key of [tenantAdmin, undefined]) {
      const res = await service.request('PUT', '/v1/bench/switches', {
        key,
        body: { opsOff: true, auditOff: true },
      });
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toMatch(/opsOff|auditOff/);
    }
    for (const route of ['/v1/bench/noop', '/v1/bench/insert']) {
      expect((await service.post(route, {}, tenantAdmin)).status).toBe(404);
    }
  });

  it('after the attempt, detokenize is still audited and headers still sent', async () => {
    await service.request('PUT', '/v1/bench/switches', {
      key: tenantAdmin,
      body: { opsOff: true, auditOff: true },
    });
    const tokenized = await service.post<{ text: string }>(
      '/v1/tokenize',
      { text: `Write to ada.${randomBytes(3).toString('hex')}@example.org` },
      tenantAdmin,
    );
    expect(tokenized.status).toBe(200);
    const before = await auditRows();
    const detokenized = await service.post(
      '/v1/detokenize',
      { text: tokenized.body.text },
      tenantAdmin,
    );
    expect(detokenized.status).toBe(200);
    expect(detokenized.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await auditRows()).toBe(before + 1);
  });

  it('after the attempt, a key past its rate limit is still refused', async () => {
    await service.request('PUT', '/v1/bench/switches', {
      key: tenantAdmin,
      body: { opsOff: true, auditOff: true },
    });
    const res = await service.request<{ key: string }>('POST', '/v1/admin/api-keys', {
      key: tenantAdmin,
      body: { name: 'limited', roles: ['tokenizer'], rateLimitPerMinute: 2 },
    });
    expect(res.status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (await service.post('/v1/detect', { text: 'nothing here' }, res.body.key)).status,
      );
    }
    expect(statuses).toEqual([200, 200, 429]);
  });

  it("the old ceiling endpoint's table is dropped by a migration", async () => {
    const table = await withClient(
      dbUrl,
      async (c) =>
        (await c.query<{ t: string | null }>(`SELECT to_regclass('bench_ceiling')::text AS t`))
          .rows[0].t,
    );
    expect(table).toBeNull();
  });
});
