import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

import { createDatabase, newMasterKey, Service } from './support/service';

/** A local webhook receiver that keeps every body it is sent. */
async function startReceiver(): Promise<{ url: string; bodies: string[]; close(): void }> {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/alerts`, bodies, close: () => server.close() };
}

describe('reveal guard', () => {
  it('refuses a key past its reveal budget with reveal_budget_exceeded, reveals nothing, audits once and calls the webhook without values', async () => {
    const receiver = await startReceiver();
    const db = await createDatabase('reveal');
    const service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: { PII_VAULT_ALERT_WEBHOOK_URL: receiver.url },
    });
    try {
      const created = await service.request<{
        id: string;
        key: string;
        revealBudgetPerHour: number;
      }>('POST', '/v1/admin/api-keys', {
        body: { name: 'reader', roles: ['admin'], revealBudgetPerHour: 3 },
      });
      expect(created.body.revealBudgetPerHour).toBe(3);
      const key = created.body.key;
      const tag = randomBytes(4).toString('hex');
      const emails = [`ann.${tag}@example.org`, `bob.${tag}@example.org`];
      const tokenized = await service.request<{ text: string; entities: { token: string }[] }>(
        'POST',
        '/v1/tokenize',
        { key, body: { text: `${emails[0]} and ${emails[1]}` } },
      );
      const tokens = tokenized.body.entities.map((e) => e.token);
      expect(tokens).toHaveLength(2);

      const first = await service.request<{ text: string }>('POST', '/v1/detokenize', {
        key,
        body: { text: tokenized.body.text },
      });
      expect(first.status).toBe(200);
      expect(first.body.text).toContain(emails[0]);

      const refused = await service.request('POST', '/v1/detokenize', {
        key,
        body: { text: tokenized.body.text },
      });
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ error: { code: 'reveal_budget_exceeded' } });
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      for (const email of emails) expect(JSON.stringify(refused.body)).not.toContain(email);

      // Another key of the tenant still reveals: the budget is per key.
      expect(
        (await service.post<{ text: string }>('/v1/detokenize', { text: tokenized.body.text })).body
          .text,
      ).toContain(emails[1]);

      const audit = await service.request<{ events: { apiKeyId: string; details: unknown }[] }>(
        'GET',
        '/v1/audit?action=reveal_budget_exceeded',
      );
      expect(audit.status).toBe(200);
      expect(audit.body.events).toHaveLength(1);
      expect(audit.body.events[0].apiKeyId).toBe(created.body.id);

      for (let i = 0; i < 50 && receiver.bodies.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(receiver.bodies).toHaveLength(1);
      const alert = JSON.parse(receiver.bodies[0]) as Record<string, unknown>;
      expect(alert).toMatchObject({
        event: 'reveal_budget_exceeded',
        keyId: created.body.id,
        tenantId: expect.any(String),
        budgetPerHour: 3,
        requested: 2,
      });
      for (const secret of [...emails, ...tokens, key])
        expect(receiver.bodies[0]).not.toContain(secret);

      const metrics = await service.request<string>('GET', '/metrics', { key: null });
      expect(metrics.body).toMatch(
        /pii_vault_rate_limit_rejections_total\{reason="reveal_budget"\} 1/,
      );
    } finally {
      await service.stop();
      receiver.close();
    }
  });

  it("applies a per-role reveal budget from the policy, the largest of the caller's roles, unless the key has its own", async () => {
    const db = await createDatabase('reveal');
    const service = await Service.start({ databaseUrl: db.url, masterKey: newMasterKey() });
    try {
      const policy = await service.request('PUT', '/v1/policies/default', {
        body: {
          access: { admin: { '*': 'full' }, support: { '*': 'full' }, auditor: { '*': 'masked' } },
          limits: { revealBudgetPerHour: { support: 2, auditor: 4 } },
        },
      });
      expect(policy.status).toBe(200);
      const keyFor = async (roles: string[], own?: number) =>
        (
          await service.request<{ key: string }>('POST', '/v1/admin/api-keys', {
            body: { name: roles.join('+'), roles, ...(own ? { revealBudgetPerHour: own } : {}) },
          })
        ).body.key;
      const tag = randomBytes(4).toString('hex');
      const text = `${`ann.${tag}@example.org`} and ${`bob.${tag}@example.org`}`;
      const tokenized = await service.post<{ text: string }>('/v1/tokenize', { text });
      const detokenize = (key: string) =>
        service.request<{ text: string }>('POST', '/v1/detokenize', {
          key,
          body: { text: tokenized.body.text },
        });

      const support = await keyFor(['support']);
      expect((await detokenize(support)).body.text).toBe(text);
      const refused = await detokenize(support);
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ error: { code: 'reveal_budget_exceeded' } });

      // support (2) and auditor (4): the larger budget counts, so a second request passes.
      const both = await keyFor(['support', 'auditor']);
      expect((await detokenize(both)).status).toBe(200);
      expect((await detokenize(both)).status).toBe(200);
      expect((await detokenize(both)).status).toBe(429);

      // The key's own budget wins over the policy's budget for its role.
      const own = await keyFor(['support'], 100);
      for (let i = 0; i < 3; i++) expect((await detokenize(own)).status).toBe(200);
    } finally {
      await service.stop();
    }
  });
});
