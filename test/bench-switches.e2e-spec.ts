import { randomBytes } from 'node:crypto';

import { createDatabase, createKey, newMasterKey, Service, withClient } from './support/service';

/** `npm run bench` turns auditing and the operations layers off between slices of one process. */
describe('bench switches', () => {
  it('are not mounted on a service without PII_VAULT_BENCH_ENDPOINTS', async () => {
    const db = await createDatabase('bench');
    const service = await Service.start({ databaseUrl: db.url, masterKey: newMasterKey() });
    try {
      const res = await service.request('PUT', '/v1/bench/switches', {
        body: { opsOff: true, auditOff: true },
      });
      expect(res.status).toBe(404);
    } finally {
      await service.stop();
    }
  });

  describe('on a bench instance', () => {
    let service: Service;
    let dbUrl: string;

    beforeAll(async () => {
      const db = await createDatabase('bench');
      dbUrl = db.url;
      service = await Service.start({
        databaseUrl: db.url,
        masterKey: newMasterKey(),
        env: { PII_VAULT_BENCH_ENDPOINTS: 'true' },
      });
    });

    afterAll(async () => {
      await service?.request('PUT', '/v1/bench/switches', {
        body: { opsOff: false, auditOff: false },
      });
      await service?.stop();
    });

    const setSwitches = (body: unknown, key?: string) =>
      service.request('PUT', '/v1/bench/switches', { body, key });

    const auditRows = () =>
      withClient(dbUrl, async (c) =>
        Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM audit_events')).rows[0].n),
      );

    it('are an admin operation with a validated body', async () => {
      const tokenizer = await createKey(service, ['tokenizer']);
      expect((await setSwitches({ opsOff: true, auditOff: false }, tokenizer)).status).toBe(403);
      const bad = await setSwitches({ opsOff: 'yes', auditOff: false });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('opsOff');
    });

    it('audit off: detokenize writes no audit row until auditing is switched back on', async () => {
      const tokenized = await service.post<{ text: string }>('/v1/tokenize', {
        text: `Write to ada.${randomBytes(3).toString('hex')}@example.org`,
      });
      const detokenize = () => service.post('/v1/detokenize', { text: tokenized.body.text });

      expect((await setSwitches({ opsOff: false, auditOff: true })).status).toBe(200);
      const before = await auditRows();
      expect((await detokenize()).status).toBe(200);
      expect(await auditRows()).toBe(before);

      expect((await setSwitches({ opsOff: false, auditOff: false })).status).toBe(200);
      expect((await detokenize()).status).toBe(200);
      expect(await auditRows()).toBe(before + 1);
    });

    it('ops off: no request line, security headers or rate limit until switched back on', async () => {
      const res = await service.request<{ key: string }>('POST', '/v1/admin/api-keys', {
        body: { name: 'limited', roles: ['tokenizer'], rateLimitPerMinute: 2 },
      });
      const limited = res.body.key;
      const detect = (requestId: string) =>
        service.request('POST', '/v1/detect', {
          key: limited,
          body: { text: 'nothing here' },
          headers: { 'x-request-id': requestId },
        });

      expect((await setSwitches({ opsOff: true, auditOff: false })).status).toBe(200);
      const quiet = `bench-off-${randomBytes(4).toString('hex')}`;
      for (let i = 0; i < 3; i++) {
        const off = await detect(quiet);
        expect(off.status).toBe(200);
        expect(off.headers.get('x-content-type-options')).toBeNull();
      }

      expect((await setSwitches({ opsOff: false, auditOff: false })).status).toBe(200);
      const loud = `bench-on-${randomBytes(4).toString('hex')}`;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const on = await detect(loud);
        statuses.push(on.status);
        expect(on.headers.get('x-content-type-options')).toBe('nosniff');
      }
      expect(statuses).toEqual([200, 200, 429]);
      // Request lines are written when the response ends; give the pipe a moment.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(service.logs()).toContain(loud);
      expect(service.logs()).not.toContain(quiet);
    });
  });
});
