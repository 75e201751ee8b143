import { randomBytes } from 'node:crypto';

import {
  ADMIN_KEY,
  createDatabase,
  createKey,
  newMasterKey,
  ResponseOf,
  Service,
  withClient,
} from './support/service';
import { counter, probeLiveness, webhookReceiver } from './support/probes';

/**
 * Issue #12's attacks, each written as the attacker would try it against a running service, and
 * each now failing for the attacker.
 */

interface Tokenized {
  text: string;
  entities: { type: string; token: string }[];
}
interface Detokenized {
  text?: string;
  tokens: { token: string; type: string | null; outcome: string; value?: string }[];
}
interface AuditPage {
  events: { action: string; purpose: string | null; details: Record<string, unknown> }[];
}

const AUTH_FAILURES_PER_MINUTE = 30;
const MAX_VALUES = 50;
const MAX_TOKENS = 50;
const UNKNOWN_ALERT = 20;

const email = () => `sec.${randomBytes(4).toString('hex')}@example.org`;

describe('security: attacks on a running service fail for the attacker', () => {
  let db: { url: string; name: string };
  let service: Service;
  let webhook: Awaited<ReturnType<typeof webhookReceiver>>;

  beforeAll(async () => {
    db = await createDatabase('sec');
    webhook = await webhookReceiver();
    service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: {
        TRUST_PROXY: '1',
        PII_VAULT_AUTH_FAILURES_PER_MINUTE: String(AUTH_FAILURES_PER_MINUTE),
        PII_VAULT_MAX_VALUES_PER_REQUEST: String(MAX_VALUES),
        PII_VAULT_MAX_TOKENS_PER_REQUEST: String(MAX_TOKENS),
        PII_VAULT_UNKNOWN_TOKENS_ALERT_PER_HOUR: String(UNKNOWN_ALERT),
        PII_VAULT_ALERT_WEBHOOK_URL: webhook.url,
        PII_VAULT_BODY_LIMIT_BYTES: String(2 * 1024 * 1024),
      },
    });
  });

  afterAll(async () => {
    await service?.stop();
    webhook?.close();
  });

  describe('privilege escalation', () => {
    let tenantAdmin: string;

    beforeAll(async () => {
      tenantAdmin = await createKey(service, ['admin'], 'acme');
    });

    it('refuses a tenant admin that grants itself operator, at the first step', async () => {
      for (const roles of [['operator'], ['admin', 'operator']]) {
        const res = await service.request('POST', '/v1/admin/api-keys', {
          key: tenantAdmin,
          body: { name: 'escalate', roles },
        });
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ error: { code: 'forbidden' } });
      }
      const list = await service.request<{ roles: string[] }[]>('GET', '/v1/admin/api-keys', {
        key: tenantAdmin,
      });
      expect(list.body.flatMap((k) => k.roles)).not.toContain('operator');
    });

    it('keeps a tenant admin out of other tenants and away from the operator keys', async () => {
      const other = await service.request('POST', '/v1/admin/api-keys', {
        key: tenantAdmin,
        body: { name: 'sideways', roles: ['admin'], tenant: 'default' },
      });
      expect(other.status).toBe(403);

      const keys = await service.request<{ id: string; roles: string[] }[]>(
        'GET',
        '/v1/admin/api-keys',
      );
      const bootstrap = keys.body.find((k) => k.roles.includes('operator'))!;
      const revoke = await service.request('DELETE', `/v1/admin/api-keys/${bootstrap.id}`, {
        key: tenantAdmin,
      });
      expect(revoke.status).toBe(404);
      // A default-tenant admin may not disarm the operator either.
      const defaultAdmin = await createKey(service, ['admin']);
      const again = await service.request('DELETE', `/v1/admin/api-keys/${bootstrap.id}`, {
        key: defaultAdmin,
      });
      expect(again.status).toBe(404);
      expect((await service.request('GET', '/v1/admin/api-keys')).status).toBe(200);
    });

    it('refuses role names no policy of the tenant knows, and accepts them once one does', async () => {
      const typo = await service.request('POST', '/v1/admin/api-keys', {
        key: tenantAdmin,
        body: { name: 'typo', roles: ['suport'] },
      });
      expect(typo.status).toBe(400);
      expect(JSON.stringify(typo.body)).toContain('suport');

      const put = await service.request('PUT', '/v1/policies/default', {
        key: tenantAdmin,
        body: { access: { admin: { '*': 'full' }, suport: { '*': 'masked' } } },
      });
      expect(put.status).toBe(200);
      const ok = await service.request('POST', '/v1/admin/api-keys', {
        key: tenantAdmin,
        body: { name: 'typo', roles: ['suport'] },
      });
      expect(ok.status).toBe(201);
    });
  });

  describe('the policy a caller names', () => {
    let admin: string;
    let support: string;

    beforeAll(async () => {
      admin = await createKey(service, ['admin'], 'policy-choice');
      const put = (name: string, body: unknown) =>
        service.request('PUT', `/v1/policies/${name}`, { key: admin, body });
      expect(
        (
          await put('default', {
            access: { admin: { '*': 'masked' }, support: { '*': 'masked' } },
            limits: { revealBudgetPerHour: { support: 2 } },
          })
        ).status,
      ).toBe(200);
      // Neither section is meant for this: the attacker hopes they decide anyway.
      expect(
        (
          await put('open', {
            access: { admin: { '*': 'full' }, support: { '*': 'full' } },
            limits: { revealBudgetPerHour: { support: 1000 } },
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await put('bound', {
            detection: { minScore: 0.5 },
            access: { support: { '*': 'full' } },
            limits: { revealBudgetPerHour: { support: 1000 } },
            callers: ['support'],
          })
        ).status,
      ).toBe(200);
      support = await createKey(service, ['support'], 'policy-choice', admin);
    });

    it('cannot raise an admin held to masked by naming another policy', async () => {
      const value = email();
      const tokenized = await service.post<Tokenized>('/v1/tokenize', { text: value }, admin);
      const res = await service.post<Detokenized>(
        '/v1/detokenize',
        { text: tokenized.body.text, policy: 'open' },
        admin,
      );
      expect(res.status).toBe(200);
      expect(res.body.tokens[0].outcome).toBe('masked');
      expect(res.body.text).not.toContain(value);
    });

    it('refuses a policy not bound to the caller, and a bound one changes no reveal level', async () => {
      const tokenized = await service.post<Tokenized>('/v1/tokenize', { text: email() }, admin);
      const unbound = await service.post(
        '/v1/detokenize',
        { text: tokenized.body.text, policy: 'open' },
        support,
      );
      expect(unbound.status).toBe(403);
      const unboundTokenize = await service.post(
        '/v1/tokenize',
        { text: 'x', policy: 'open' },
        support,
      );
      expect(unboundTokenize.status).toBe(403);
      // A policy that does not exist answers the same, so names cannot be probed by status.
      const missing = await service.post(
        '/v1/tokenize',
        { text: 'x', policy: 'no-such-policy' },
        support,
      );
      expect(missing.status).toBe(403);
      expect((missing.body as { error: { code: string } }).error.code).toBe(
        (unboundTokenize.body as { error: { code: string } }).error.code,
      );

      const bound = await service.post<Detokenized>(
        '/v1/detokenize',
        { text: tokenized.body.text, policy: 'bound' },
        support,
      );
      expect(bound.status).toBe(200);
      expect(bound.body.tokens[0].outcome).toBe('masked');
      expect(
        (await service.post('/v1/tokenize', { text: 'x', policy: 'bound' }, support)).status,
      ).toBe(200);
    });

    it('cannot buy more reveal budget by naming a policy, and audits which policy decided', async () => {
      const tokenized = await service.post<Tokenized>(
        '/v1/tokenize',
        { text: `${email()} ${email()} ${email()}` },
        admin,
      );
      const tokens = tokenized.body.entities.map((e) => e.token);
      const spender = await createKey(service, ['support'], 'policy-choice', admin);
      const first = await service.post('/v1/detokenize', { tokens: tokens.slice(0, 2) }, spender);
      expect(first.status).toBe(200);
      const more = await service.post(
        '/v1/detokenize',
        { tokens: tokens.slice(2), policy: 'bound' },
        spender,
      );
      expect(more.status).toBe(429);
      expect(more.body).toMatchObject({ error: { code: 'reveal_budget_exceeded' } });

      const audit = await service.request<AuditPage>('GET', '/v1/audit?action=detokenize', {
        key: admin,
      });
      const versions = await service.request<{ version: number }[]>(
        'GET',
        '/v1/policies/default/versions',
        { key: admin },
      );
      expect(audit.body.events.length).toBeGreaterThan(0);
      for (const event of audit.body.events) {
        expect(event.details.policy).toEqual({
          name: 'default',
          version: versions.body[versions.body.length - 1].version,
        });
      }
    });
  });

  describe('guessing keys', () => {
    it('runs argon2 at most the failure allowance for a 300-request burst of bad secrets', async () => {
      const victim = await createKey(service, ['admin'], 'burst');
      expect((await service.request('GET', '/v1/policies', { key: victim })).status).toBe(200);
      const [, lookupId] = /^pvk_([a-z2-7]{16})_/.exec(victim)!;
      const attacker = { 'x-forwarded-for': '10.3.3.3' };
      const before = await counter(service, 'pii_vault_api_key_verifications_total');
      const statuses = await Promise.all(
        Array.from({ length: 300 }, () =>
          service
            .request('GET', '/v1/policies', {
              key: `pvk_${lookupId}_${randomBytes(32).toString('base64url')}`,
              headers: attacker,
            })
            .then((r) => r.status),
        ),
      );
      const after = await counter(service, 'pii_vault_api_key_verifications_total');
      expect(after - before).toBeLessThanOrEqual(AUTH_FAILURES_PER_MINUTE);
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      // The key under attack still works, even from the flooding address (it is known good).
      const victimFromAttacker = await service.request('GET', '/v1/policies', {
        key: victim,
        headers: attacker,
      });
      expect(victimFromAttacker.status).toBe(200);
      // A fresh key from the flooded address waits for the address's allowance (429, no argon2);
      // from any other address it is let in.
      const fresh = await createKey(service, ['admin'], 'burst');
      const beforeFresh = await counter(service, 'pii_vault_api_key_verifications_total');
      const blocked = await service.request('GET', '/v1/policies', {
        key: fresh,
        headers: attacker,
      });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await counter(service, 'pii_vault_api_key_verifications_total')).toBe(beforeFresh);
      expect((await service.request('GET', '/v1/policies', { key: fresh })).status).toBe(200);
    });

    it('lets a burst of first requests of one good key in on a single argon2 run', async () => {
      const key = await createKey(service, ['admin'], 'cold');
      const before = await counter(service, 'pii_vault_api_key_verifications_total');
      const statuses = await Promise.all(
        Array.from({ length: 3 * AUTH_FAILURES_PER_MINUTE }, () =>
          service.request('GET', '/v1/policies', { key }).then((r) => r.status),
        ),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(await counter(service, 'pii_vault_api_key_verifications_total')).toBe(before + 1);
    });

    it('refuses a malformed key without hashing anything', async () => {
      const before = await counter(service, 'pii_vault_api_key_verifications_total');
      for (const key of ['short', `pvk_${'a'.repeat(30)}`, 'x'.repeat(40)]) {
        const res = await service.request('GET', '/v1/policies', {
          key,
          headers: { 'x-forwarded-for': '10.1.1.1' },
        });
        expect(res.status).toBe(401);
      }
      expect(await counter(service, 'pii_vault_api_key_verifications_total')).toBe(before);
    });

    it('does not let a forged X-Forwarded-For move the throttle (one trusted proxy hop)', async () => {
      const statuses: number[] = [];
      for (let i = 0; i <= AUTH_FAILURES_PER_MINUTE; i++) {
        const forged = `${i}.${i}.${i}.${i}, 10.9.9.9`;
        const res = await service.request('GET', '/v1/policies', {
          key: `pvk_${'b'.repeat(16)}_${randomBytes(32).toString('base64url')}`,
          headers: { 'x-forwarded-for': forged },
        });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, AUTH_FAILURES_PER_MINUTE).every((s) => s === 401)).toBe(true);
      expect(statuses[AUTH_FAILURES_PER_MINUTE]).toBe(429);
      // The forged entries moved nothing: a good key from the flooded address 10.9.9.9 waits
      // (429 before any work), whatever it writes further left; another address is let in, and
      // once the key has verified it is known good and no longer waits for 10.9.9.9's failures.
      const good = await createKey(service, ['admin'], 'xff');
      const fromFlooded = { 'x-forwarded-for': '1.2.3.4, 10.9.9.9' };
      const waiting = await service.request('GET', '/v1/policies', {
        key: good,
        headers: fromFlooded,
      });
      expect(waiting.status).toBe(429);
      const elsewhere = await service.request('GET', '/v1/policies', {
        key: good,
        headers: { 'x-forwarded-for': '10.9.9.8' },
      });
      expect(elsewhere.status).toBe(200);
      const res = await service.request('GET', '/v1/policies', { key: good, headers: fromFlooded });
      expect(res.status).toBe(200);
    });
  });

  describe('one request against everyone', () => {
    it('detects 1 MiB of text off the event loop: /health/live keeps answering', async () => {
      const sentence = 'Dear Maria Gonzalez, please call 415-555-0199 or mail maria@example.com. ';
      const text = sentence
        .repeat(Math.ceil((1024 * 1024) / sentence.length))
        .slice(0, 1024 * 1024);
      // Warm the worker thread so the timed run measures detection, not the engine's first load.
      await service.post('/v1/detect', { text: sentence.repeat(1000) });
      // The probes run in a process of their own: this one is busy parsing a 3.7 MB answer.
      const prober = await probeLiveness(service);
      // The histogram counts each text by where it was detected: this one on the bulk thread.
      const lanes = () =>
        Promise.all(
          ['loop', 'threads', 'bulk'].map((lane) =>
            counter(service, `pii_vault_detection_duration_seconds_count{lane="${lane}"}`),
          ),
        );
      const [loopBefore, threadsBefore, bulkBefore] = await lanes();
      const result = await service.post<{ entities: unknown[] }>('/v1/detect', { text });
      const probes = await prober.stop();
      expect(result.status).toBe(200);
      expect(result.body.entities.length).toBeGreaterThan(1000);
      expect(await lanes()).toEqual([loopBefore, threadsBefore, bulkBefore + 1]);
      expect(probes.length).toBeGreaterThan(3);
      // On the event loop this text takes seconds to detect. On the worker the probe's worst gap
      // stayed under 100 ms in CI (idle 2 cores) and reached 750 ms at load average 15.
      expect(Math.max(...probes)).toBeLessThan(1000);
    });

    it('answers 413 to a tokenize holding too many values, and stores none of them', async () => {
      const count = async () =>
        withClient(db.url, async (c) =>
          Number((await c.query('SELECT count(*) FROM vault_entries')).rows[0].count),
        );
      const before = await count();
      const text = Array.from({ length: MAX_VALUES + 1 }, email).join(' and ');
      const res = await service.post('/v1/tokenize', { text });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ error: { code: 'payload_too_large' } });
      expect(await count()).toBe(before);
      const batch = await service.post('/v1/tokenize', {
        texts: Array.from({ length: MAX_VALUES + 1 }, email),
      });
      expect(batch.status).toBe(413);
    });

    it('answers 413 to a detokenize naming too many tokens', async () => {
      const tokens = Array.from(
        { length: MAX_TOKENS + 1 },
        (_, i) => `[EMAIL_ADDRESS_${String(i).padStart(8, '0')}]`,
      );
      const res = await service.post('/v1/detokenize', { tokens });
      expect(res.status).toBe(413);
      const text = await service.post('/v1/detokenize', { text: tokens.join(' ') });
      expect(text.status).toBe(413);
    });
  });

  describe('guessing tokens', () => {
    it('mints ids of at least 8 Crockford characters', async () => {
      const res = await service.post<Tokenized>('/v1/tokenize', { text: email() });
      expect(res.body.entities[0].token).toMatch(/^\[EMAIL_ADDRESS_[0-9A-HJKMNP-TV-Z]{8,12}\]$/);
    });

    it('charges unknown tokens to the reveal budget and reports a key that guesses', async () => {
      const res = await service.request<{ key: string; id: string }>('POST', '/v1/admin/api-keys', {
        body: { name: 'guesser', roles: ['admin'], revealBudgetPerHour: UNKNOWN_ALERT + 5 },
      });
      const guesser = res.body.key;
      const guess = (n: number) =>
        Array.from(
          { length: n },
          () =>
            `[US_SSN_${randomBytes(5)
              .toString('hex')
              .toUpperCase()
              .replace(/[ILOU]/g, '0')
              .slice(0, 8)}]`,
        );
      const alertsBefore = await counter(service, 'pii_vault_unknown_token_alerts_total');
      const first = await service.post<Detokenized>(
        '/v1/detokenize',
        { tokens: guess(UNKNOWN_ALERT + 1) },
        guesser,
      );
      expect(first.status).toBe(200);
      expect(first.body.tokens.every((t) => t.outcome === 'unknown')).toBe(true);
      expect(await counter(service, 'pii_vault_unknown_token_alerts_total')).toBe(alertsBefore + 1);
      const deadline = Date.now() + 5000;
      while (
        !webhook.bodies.some(
          (b) => (b as { event?: string }).event === 'unknown_tokens_exceeded',
        ) &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(webhook.bodies).toContainEqual(
        expect.objectContaining({ event: 'unknown_tokens_exceeded', keyId: res.body.id }),
      );
      const over = await service.post('/v1/detokenize', { tokens: guess(5) }, guesser);
      expect(over.status).toBe(429);
    });
  });

  describe('smaller leaks', () => {
    it('serves /metrics without tenant ids', async () => {
      const res = await service.request<string>('GET', '/metrics', { key: null });
      expect(res.status).toBe(200);
      expect(res.body).toMatch(/^pii_vault_vault_entries \d+/m);
      expect(res.body).not.toMatch(/tenant_id|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/);
    });

    it('keeps personal data out of the audited purpose', async () => {
      const admin = await createKey(service, ['admin'], 'purpose');
      const value = email();
      const tokenized = await service.post<Tokenized>(
        '/v1/tokenize',
        { text: 'x ' + email() },
        admin,
      );
      const res = await service.post(
        '/v1/detokenize',
        { text: tokenized.body.text, purpose: `ticket 4711: call ${value} back` },
        admin,
      );
      expect(res.status).toBe(200);
      const audit = await service.request<AuditPage>('GET', '/v1/audit?action=detokenize', {
        key: admin,
      });
      expect(audit.body.events[0].purpose).toBe('ticket 4711: call [EMAIL_ADDRESS] back');
      const rows = await withClient(db.url, (c) =>
        c.query(`SELECT count(*)::int AS n FROM audit_events WHERE purpose LIKE $1`, [
          `%${value}%`,
        ]),
      );
      expect(rows.rows[0].n).toBe(0);
    });

    it('answers 400 to JSON nested 20,000 levels deep', async () => {
      const res = await service.request('POST', '/v1/detect', {
        rawBody: `{"text":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'invalid_request' } });
    });

    it('answers 414 in the standard error shape, without echoing the URL', async () => {
      const long = 'a'.repeat(5000);
      const res: ResponseOf = await service.request('GET', `/v1/policies/${long}`);
      expect(res.status).toBe(414);
      expect(res.body).toEqual({
        error: { code: 'uri_too_long', message: expect.any(String) as string },
      });
      expect(JSON.stringify(res.body)).not.toContain(long);
    });
  });

  it('still lets the bootstrap admin in after all of the above', async () => {
    expect((await service.request('GET', '/v1/policies', { key: ADMIN_KEY })).status).toBe(200);
  });
});
