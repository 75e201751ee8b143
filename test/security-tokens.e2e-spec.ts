import { randomInt } from 'node:crypto';

import { createDatabase, createKey, newMasterKey, Service, withClient } from './support/service';
import { counter, probeLiveness, webhookReceiver } from './support/probes';
import { luhnComplete } from './support/luhn';

/**
 * Issue #12, the token side: format-preserving guesses, unsafe keepLast, token space exhaustion,
 * batch detection on the event loop and custom-type values in an audited purpose. Each test is
 * the attack against a running service, and each now fails for the attacker.
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
  events: {
    action: string;
    apiKeyId: string | null;
    purpose: string | null;
    details: Record<string, unknown>;
  }[];
}

const MAX_TOKENS = 50;
const UNKNOWN_ALERT = 20;

/** Distinct US phone numbers in the 555-01xx range, as an attacker would guess FP tokens. */
function phoneGuesses(n: number): string[] {
  const seen = new Set<string>();
  while (seen.size < n) {
    seen.add(`${200 + randomInt(700)}-${100 + randomInt(900)}-${1000 + randomInt(9000)}`);
  }
  return [...seen];
}

describe('security: token-side attacks fail for the attacker', () => {
  let db: { url: string; name: string };
  let service: Service;
  let webhook: Awaited<ReturnType<typeof webhookReceiver>>;

  beforeAll(async () => {
    db = await createDatabase('sectok');
    webhook = await webhookReceiver();
    service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: {
        PII_VAULT_MAX_TOKENS_PER_REQUEST: String(MAX_TOKENS),
        PII_VAULT_UNKNOWN_TOKENS_ALERT_PER_HOUR: String(UNKNOWN_ALERT),
        PII_VAULT_ALERT_WEBHOOK_URL: webhook.url,
        PII_VAULT_BODY_LIMIT_BYTES: String(8 * 1024 * 1024),
      },
    });
  });

  afterAll(async () => {
    await service?.stop();
    webhook?.close();
  });

  /** A tenant with its own admin and default policy. */
  async function tenantWith(tenant: string, policy: unknown): Promise<string> {
    const admin = await createKey(service, ['admin'], tenant);
    const put = await service.request('PUT', '/v1/policies/default', { key: admin, body: policy });
    expect(put.status).toBe(200);
    return admin;
  }

  describe('guessing format-preserving tokens in detokenize text mode (F1)', () => {
    let admin: string;

    beforeAll(async () => {
      admin = await tenantWith('fp-guess', {
        tokens: {
          PHONE_NUMBER: { format: 'format_preserving' },
          CREDIT_CARD: { format: 'format_preserving', keepLast: 4 },
        },
        access: { admin: { '*': 'full' } },
      });
    });

    it('still reveals a real format-preserving token found in text', async () => {
      const tokenized = await service.post<Tokenized>(
        '/v1/tokenize',
        { text: 'call 415-555-0132 today' },
        admin,
      );
      const token = tokenized.body.entities[0].token;
      expect(token).toMatch(/^\d{3}-\d{3}-\d{4}$/);
      const res = await service.post<Detokenized>(
        '/v1/detokenize',
        { text: `please call ${token}; thanks` },
        admin,
      );
      expect(res.status).toBe(200);
      expect(res.body.text).toBe('please call 415-555-0132; thanks');
    });

    it('refuses with 413 a text holding more FP-shaped guesses than the token cap', async () => {
      const guesses = phoneGuesses(MAX_TOKENS + 1);
      const res = await service.post('/v1/detokenize', { text: guesses.join('; ') }, admin);
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ error: { code: 'payload_too_large' } });
      // Bracket tokens and FP candidates share one cap.
      const mixed = [
        ...phoneGuesses(MAX_TOKENS - 1),
        '[US_SSN_00000000]',
        '[US_SSN_00000001]',
      ].join('; ');
      expect((await service.post('/v1/detokenize', { text: mixed }, admin)).status).toBe(413);
    });

    it('charges FP-shaped guesses to the reveal budget, alerts, and keeps them out of the audit', async () => {
      const created = await service.request<{ key: string; id: string }>(
        'POST',
        '/v1/admin/api-keys',
        {
          key: admin,
          body: { name: 'fp-guesser', roles: ['admin'], revealBudgetPerHour: UNKNOWN_ALERT + 5 },
        },
      );
      expect(created.status).toBe(201);
      const guesser = created.body.key;
      const phones = phoneGuesses(UNKNOWN_ALERT - 2);
      // 999-prefixed Luhn-valid card numbers: the shape FP card tokens have.
      const cards = [luhnComplete('999123456789012'), luhnComplete('999987654321098')];
      const alertsBefore = await counter(service, 'pii_vault_unknown_token_alerts_total');

      const first = await service.post<Detokenized>(
        '/v1/detokenize',
        { text: `Refund ${cards.join(' and ')}; call ${[...phones, '212-555-0188'].join('; ')}` },
        guesser,
      );
      expect(first.status).toBe(200);
      // Nothing matched: nothing replaced and no guessed value is echoed as a token.
      expect(first.body.tokens).toEqual([]);
      expect(await counter(service, 'pii_vault_unknown_token_alerts_total')).toBe(alertsBefore + 1);
      const deadline = Date.now() + 5000;
      while (
        !webhook.bodies.some(
          (b) =>
            (b as { event?: string; keyId?: string }).event === 'unknown_tokens_exceeded' &&
            (b as { keyId?: string }).keyId === created.body.id,
        ) &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(webhook.bodies).toContainEqual(
        expect.objectContaining({ event: 'unknown_tokens_exceeded', keyId: created.body.id }),
      );

      // 21 guesses spent of a budget of 25: five more are refused, nothing is revealed.
      const over = await service.post(
        '/v1/detokenize',
        { text: phoneGuesses(5).join('; ') },
        guesser,
      );
      expect(over.status).toBe(429);
      expect(over.body).toMatchObject({ error: { code: 'reveal_budget_exceeded' } });

      const audit = await service.request<AuditPage>('GET', '/v1/audit?action=detokenize', {
        key: admin,
      });
      const mine = audit.body.events.filter((e) => e.apiKeyId === created.body.id);
      // One row: the refused request revealed nothing and wrote no detokenize row.
      expect(mine).toHaveLength(1);
      expect(mine[0].details.unmatchedCandidates).toBe(UNKNOWN_ALERT + 1);
      const rows = await withClient(db.url, (c) =>
        c.query(`SELECT count(*)::int AS n FROM audit_events WHERE details::text LIKE $1`, [
          `%${phones[0]}%`,
        ]),
      );
      expect(rows.rows[0].n).toBe(0);
    });
  });

  describe('format-preserving tokens that protect nothing (F4)', () => {
    it('refuses a keepLast above four', async () => {
      const admin = await createKey(service, ['admin'], 'fp-keep');
      for (const keepLast of [5, 8, 16]) {
        const res = await service.request('PUT', '/v1/policies/default', {
          key: admin,
          body: { tokens: { PHONE_NUMBER: { format: 'format_preserving', keepLast } } },
        });
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body)).toContain('tokens.PHONE_NUMBER.keepLast');
      }
    });

    it('keeps six digits random even where keepLast 4 would leave fewer', async () => {
      const admin = await tenantWith('fp-short', {
        tokens: { CREDIT_CARD: { format: 'format_preserving', keepLast: 4 } },
      });
      // 13 digits: prefix 999 and the check digit are fixed, so keepLast 4 would leave 5 random.
      const card = luhnComplete('453201511283');
      const tokens = new Set<string>();
      for (let scope = 0; scope < 20; scope++) {
        const res = await service.post<Tokenized>(
          '/v1/tokenize',
          { text: `card ${card}`, scope: `s${scope}` },
          admin,
        );
        expect(res.status).toBe(200);
        const token = res.body.entities[0].token;
        expect(token.slice(0, 3)).toBe('999');
        expect(token.slice(-3)).toBe(card.slice(-3));
        expect(token).toHaveLength(13);
        expect(token).not.toBe(card);
        tokens.add(token);
      }
      expect(tokens.size).toBe(20);
      // The fourth digit from the end is random, not the card's: keepLast 4 gave way to six.
      expect(new Set([...tokens].map((t) => t.at(-4))).size).toBeGreaterThan(1);
    });

    it('does not let the first policy that tokenized a value decide the format for another', async () => {
      const admin = await tenantWith('fp-first', {
        tokens: { CREDIT_CARD: { format: 'format_preserving', keepLast: 0 } },
        access: { admin: { '*': 'full' } },
      });
      for (const [name, rule] of [
        ['keep4', { format: 'format_preserving', keepLast: 4 }],
        ['plain', { format: 'placeholder' }],
      ] as const) {
        const put = await service.request('PUT', `/v1/policies/${name}`, {
          key: admin,
          body: { tokens: { CREDIT_CARD: rule } },
        });
        expect(put.status).toBe(200);
      }
      const card = '4111 1111 1111 1111';
      const under = async (policy: string) => {
        const res = await service.post<Tokenized>(
          '/v1/tokenize',
          { text: `card ${card}`, policy },
          admin,
        );
        expect(res.status).toBe(200);
        return res.body.entities[0].token;
      };
      const keep4 = await under('keep4');
      expect(keep4).toMatch(/^999\d \d{4} \d{4} 1111$/);
      // The same value under a policy that keeps nothing, or asks for placeholders, gets its own.
      const keep0 = await under('default');
      expect(keep0).toMatch(/^999\d \d{4} \d{4} \d{4}$/);
      expect(keep0).not.toBe(keep4);
      const plain = await under('plain');
      expect(plain).toMatch(/^\[CREDIT_CARD_[0-9A-Z]{8,12}\]$/);
      // Each is stable for its format, and each reveals the value.
      expect(await under('keep4')).toBe(keep4);
      expect(await under('default')).toBe(keep0);
      const res = await service.post<Detokenized>(
        '/v1/detokenize',
        { text: `${keep4}; ${keep0}; ${plain}` },
        admin,
      );
      expect(res.body.text).toBe(`${card}; ${card}; ${card}`);
    });
  });

  describe('a format-preserving token space that fills up (F8)', () => {
    it('answers 409 token_space_exhausted without naming a value, never 500', async () => {
      const admin = await tenantWith('fp-tiny', {
        detection: { recognizers: [{ type: 'TINY_CODE', pattern: '#[0-9]', score: 0.9 }] },
        tokens: { TINY_CODE: { format: 'format_preserving' } },
      });
      const text = Array.from({ length: 10 }, (_, d) => `#${d}`).join(' ');
      // Ten values, ten possible tokens (#0-#9), none its own value, and tokens unique in the
      // tenant: five tries rarely find a free arrangement (under one request in a thousand); if
      // one does, those ten tokens fill the space and the next request has none left.
      let res = await service.post('/v1/tokenize', { text, scope: 'a' }, admin);
      if (res.status === 200) res = await service.post('/v1/tokenize', { text, scope: 'b' }, admin);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ error: { code: 'token_space_exhausted' } });
      const message = (res.body as { error: { message: string } }).error.message;
      expect(message).toContain('TINY_CODE');
      expect(message).not.toMatch(/#\d/);
    });
  });

  describe('a batch of under-threshold texts (F5)', () => {
    it('detects them off the event loop: /health/live stays responsive', async () => {
      // Mostly prose with one value each: detection is the cost, the answer stays small.
      const prose =
        'The committee discussed the quarterly figures at length before the vote was taken. ';
      // Each text is just under PII_VAULT_DETECT_OFFLOAD_BYTES (32 KiB); 200 of them are 6 MB.
      const one = (
        'Please mail maria@example.com. ' + prose.repeat(Math.ceil(30_000 / prose.length))
      ).slice(0, 30_000);
      const texts = Array.from({ length: 200 }, () => one);
      const admin = await createKey(service, ['admin'], 'batch');
      // Warm the worker thread so the timed run measures detection, not the engine's first load.
      await service.post('/v1/tokenize', { texts: [one, one, one] }, admin);
      const prober = await probeLiveness(service);
      // The histogram counts each text by where it was detected: these on the bulk thread.
      const lanes = () =>
        Promise.all(
          ['loop', 'threads', 'bulk'].map((lane) =>
            counter(service, `pii_vault_detection_duration_seconds_count{lane="${lane}"}`),
          ),
        );
      const [loopBefore, threadsBefore, bulkBefore] = await lanes();
      const started = performance.now();
      const result = await service.post<{ results: Tokenized[] }>('/v1/tokenize', { texts }, admin);
      const took = performance.now() - started;
      const probes = await prober.stop();
      expect(result.status).toBe(200);
      expect(result.body.results).toHaveLength(200);
      expect(result.body.results[0].text).not.toContain('maria@example.com');
      expect(await lanes()).toEqual([loopBefore, threadsBefore, bulkBefore + 200]);
      console.log(
        `F5 batch: tokenize ${Math.round(took)} ms, ${probes.length} probes, max ${Math.round(Math.max(...probes))} ms`,
      );
      expect(probes.length).toBeGreaterThan(3);
      // Measured on the shared 2-core test machine: 0.2-0.4 s with this, 1.9-2.1 s when each text
      // was decided alone; 1.2 s with this once the machine's load average was 15.
      expect(Math.max(...probes)).toBeLessThan(1500);
    });
  });

  describe('custom-type values in an audited purpose (F10)', () => {
    it('replaces a value of the policy’s own type by the type name before it is stored', async () => {
      const admin = await tenantWith('purpose-custom', {
        detection: {
          recognizers: [{ type: 'EMPLOYEE_ID', pattern: 'EMP-[0-9]{6}', score: 0.9 }],
        },
        access: { admin: { '*': 'full' } },
      });
      const employee = `EMP-${100000 + randomInt(900000)}`;
      const tokenized = await service.post<Tokenized>(
        '/v1/tokenize',
        { text: 'mail jane.roe@example.org' },
        admin,
      );
      const res = await service.post(
        '/v1/detokenize',
        { text: tokenized.body.text, purpose: `HR case for ${employee}, escalated` },
        admin,
      );
      expect(res.status).toBe(200);
      const audit = await service.request<AuditPage>('GET', '/v1/audit?action=detokenize', {
        key: admin,
      });
      expect(audit.body.events[0].purpose).toBe('HR case for [EMPLOYEE_ID], escalated');
      const rows = await withClient(db.url, (c) =>
        c.query(
          `SELECT count(*)::int AS n FROM audit_events WHERE purpose LIKE $1 OR details::text LIKE $1`,
          [`%${employee}%`],
        ),
      );
      expect(rows.rows[0].n).toBe(0);
    });
  });
});
