import { randomBytes, randomInt } from 'node:crypto';
import { createDatabase, createKey, newMasterKey, Service, withClient } from './support/service';

interface Tokenized {
  text: string;
  entities: { type: string; start: number; end: number; token: string }[];
}
interface Resolution {
  token: string;
  type: string | null;
  outcome: string;
  value?: string;
}
interface Detokenized {
  text?: string;
  tokens: Resolution[];
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

function card(): string {
  const first15 = `4${String(randomInt(10 ** 13, 10 ** 14 - 1))}`;
  for (let c = 0; c < 10; c++) if (luhnValid(first15 + c)) return first15 + c;
  throw new Error('unreachable');
}

const ssn = () => `${randomInt(100, 599)}-${randomInt(10, 99)}-${randomInt(1000, 9999)}`;
const email = () => `pat.${randomBytes(4).toString('hex')}@clinic.example.com`;

describe('policies, reveal levels, token formats, expiry and forget', () => {
  let service: Service;
  let db: { url: string; name: string };

  beforeAll(async () => {
    db = await createDatabase();
    service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: { PII_VAULT_PURGE_INTERVAL_SECONDS: '1' },
    });
  });

  afterAll(async () => {
    await service?.stop();
  });

  async function putPolicy(name: string, document: unknown, key?: string) {
    return service.request<{ version: number }>('PUT', `/v1/policies/${name}`, {
      body: document,
      key,
    });
  }

  it('applies a role matrix: full, masked and deny per type across three roles, most permissive role wins', async () => {
    const tenant = `matrix-${randomBytes(3).toString('hex')}`;
    const admin = await createKey(service, ['admin'], tenant);
    const res = await putPolicy(
      'default',
      {
        access: {
          admin: { '*': 'full' },
          support: { EMAIL_ADDRESS: 'full', CREDIT_CARD: 'masked', '*': 'deny' },
          billing: { CREDIT_CARD: 'full', EMAIL_ADDRESS: 'masked' },
          auditor: { '*': 'masked', US_SSN: 'deny' },
        },
      },
      admin,
    );
    expect(res.status).toBe(200);
    const [support, billing, auditor, both] = await Promise.all([
      createKey(service, ['support'], tenant, admin),
      createKey(service, ['billing'], tenant, admin),
      createKey(service, ['auditor'], tenant, admin),
      createKey(service, ['support', 'billing'], tenant, admin),
    ]);
    const values = { EMAIL_ADDRESS: email(), CREDIT_CARD: card(), US_SSN: ssn() };
    const tokenized = await service.post<Tokenized>(
      '/v1/tokenize',
      { text: `${values.EMAIL_ADDRESS} paid with ${values.CREDIT_CARD}, SSN ${values.US_SSN}` },
      admin,
    );
    const tokens = tokenized.body.entities.map((e) => e.token);
    expect(tokenized.body.entities.map((e) => e.type)).toEqual([
      'EMAIL_ADDRESS',
      'CREDIT_CARD',
      'US_SSN',
    ]);

    const outcomes = async (key: string) => {
      const res = await service.post<Detokenized>(
        '/v1/detokenize',
        { tokens, purpose: 'ticket 42' },
        key,
      );
      expect(res.status).toBe(200);
      return Object.fromEntries(res.body.tokens.map((t) => [t.type, [t.outcome, t.value]]));
    };
    const last4 = values.CREDIT_CARD.slice(-4);
    const domain = '@clinic.example.com';
    expect(await outcomes(support)).toEqual({
      EMAIL_ADDRESS: ['revealed', values.EMAIL_ADDRESS],
      CREDIT_CARD: ['masked', `${'*'.repeat(12)}${last4}`],
      US_SSN: ['denied', undefined],
    });
    expect(await outcomes(billing)).toEqual({
      EMAIL_ADDRESS: ['masked', expect.stringMatching(new RegExp(`^\\*+${domain}$`))],
      CREDIT_CARD: ['revealed', values.CREDIT_CARD],
      US_SSN: ['denied', undefined],
    });
    expect(await outcomes(auditor)).toEqual({
      EMAIL_ADDRESS: ['masked', expect.stringMatching(new RegExp(`^\\*+${domain}$`))],
      CREDIT_CARD: ['masked', `${'*'.repeat(12)}${last4}`],
      US_SSN: ['denied', undefined],
    });
    expect(await outcomes(both)).toEqual({
      EMAIL_ADDRESS: ['revealed', values.EMAIL_ADDRESS],
      CREDIT_CARD: ['revealed', values.CREDIT_CARD],
      US_SSN: ['denied', undefined],
    });

    const audit = await service.request<{
      events: { action: string; purpose: string | null; details: unknown }[];
    }>('GET', '/v1/audit?action=detokenize', { key: admin });
    expect(audit.status).toBe(200);
    expect(audit.body.events.length).toBeGreaterThanOrEqual(4);
    expect(audit.body.events[0].purpose).toBe('ticket 42');
    const auditDump = JSON.stringify(audit.body);
    for (const value of Object.values(values)) expect(auditDump).not.toContain(value);
  });

  it('refuses policy, key, audit and forget endpoints to non-admins with 403', async () => {
    const support = await createKey(service, ['support']);
    const calls: [string, string, unknown?][] = [
      ['GET', '/v1/policies'],
      ['GET', '/v1/policies/default'],
      ['PUT', '/v1/policies/default', { access: { support: { '*': 'full' } } }],
      ['DELETE', '/v1/policies/default'],
      ['GET', '/v1/audit'],
      ['GET', '/v1/audit/verify'],
      ['GET', '/v1/admin/api-keys'],
      ['POST', '/v1/forget', { value: 'x' }],
    ];
    for (const [method, route, body] of calls) {
      const res = await service.request(method, route, { key: support, body });
      expect([method, route, res.status]).toEqual([method, route, 403]);
      expect(res.body).toMatchObject({ error: { code: 'forbidden' } });
    }
  });

  describe('rejects invalid policy documents with a 400 naming the fault', () => {
    const bad: [string, unknown, string][] = [
      ['not an object', ['x'], '(document)'],
      ['unknown section', { detect: {} }, 'detect: unknown section'],
      [
        'unknown entity type to detect',
        { detection: { entities: ['PERSON', 'SHOE_SIZE'] } },
        'detection.entities.1',
      ],
      ['lowercase entity type', { detection: { entities: ['person'] } }, 'detection.entities'],
      ['minScore above 1', { detection: { minScore: 1.5 } }, 'detection.minScore'],
      ['minScore not a number', { detection: { minScore: 'high' } }, 'detection.minScore'],
      ['allowList not strings', { detection: { allowList: [1, 2] } }, 'detection.allowList'],
      [
        'invalid regex',
        { detection: { recognizers: [{ type: 'EMPLOYEE_ID', pattern: 'EMP-([0-9', score: 0.9 }] } },
        'detection.recognizers.0.pattern',
      ],
      [
        'backtracking regex',
        { detection: { recognizers: [{ type: 'EMPLOYEE_ID', pattern: '(a+)+\\1', score: 0.9 }] } },
        'detection.recognizers.0.pattern',
      ],
      [
        'recognizer score missing',
        { detection: { recognizers: [{ type: 'EMPLOYEE_ID', pattern: 'EMP-[0-9]{6}' }] } },
        'detection.recognizers.0.score',
      ],
      [
        'recognizer type not UPPER_SNAKE',
        { detection: { recognizers: [{ type: 'employee', pattern: 'E[0-9]', score: 0.5 }] } },
        'detection.recognizers.0.type',
      ],
      [
        'recognizer shadowing a built-in type',
        { detection: { recognizers: [{ type: 'US_SSN', pattern: 'S[0-9]', score: 0.5 }] } },
        'detection.recognizers.0.type',
      ],
      [
        'unknown token format',
        { tokens: { CREDIT_CARD: { format: 'scramble' } } },
        'tokens.CREDIT_CARD.format',
      ],
      [
        'token rule for an unknown type',
        { tokens: { SHOE_SIZE: { format: 'mask' } } },
        'tokens.SHOE_SIZE',
      ],
      [
        'keepLast too large',
        { tokens: { CREDIT_CARD: { format: 'format_preserving', keepLast: 12 } } },
        'tokens.CREDIT_CARD.keepLast',
      ],
      ['bad ttl', { tokens: { PERSON: { ttl: '30 days' } } }, 'tokens.PERSON.ttl'],
      [
        'format_preserving for names',
        { tokens: { PERSON: { format: 'format_preserving' } } },
        'tokens.PERSON.format',
      ],
      [
        'unknown property in a token rule',
        { tokens: { default: { format: 'placeholder', colour: 'red' } } },
        'tokens.default.colour',
      ],
      [
        'unknown reveal level',
        { access: { support: { PERSON: 'peek' } } },
        'access.support.PERSON',
      ],
      [
        'access for an unknown type',
        { access: { support: { SHOE_SIZE: 'full' } } },
        'access.support.SHOE_SIZE',
      ],
      // A name that is not a plain identifier is not echoed (it could be anything a caller typed).
      ['bad role name', { access: { 'Support Team': { '*': 'full' } } }, 'access.[…]'],
      ['role rules not an object', { access: { support: 'full' } }, 'access.support'],
      [
        'reveal budget not a whole number',
        { limits: { revealBudgetPerHour: { support: 2.5 } } },
        'limits.revealBudgetPerHour.support',
      ],
      [
        'reveal budget below 1',
        { limits: { revealBudgetPerHour: { support: 0 } } },
        'limits.revealBudgetPerHour.support',
      ],
      [
        'reveal budget for a bad role name',
        { limits: { revealBudgetPerHour: { 'Support Team': 10 } } },
        'limits.revealBudgetPerHour.[…]',
      ],
      [
        'reveal budgets not keyed by role',
        { limits: { revealBudgetPerHour: 10 } },
        'limits.revealBudgetPerHour',
      ],
      [
        'unknown limit',
        { limits: { requestsPerMinute: { support: 10 } } },
        'limits.requestsPerMinute',
      ],
    ];
    it.each(bad)('%s', async (_name, document, path) => {
      const res = await putPolicy('strict', document);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'invalid_request' } });
      expect((res.body as unknown as { error: { message: string } }).error.message).toContain(path);
    });

    it('stores none of them', async () => {
      const res = await service.request('GET', '/v1/policies/strict');
      expect(res.status).toBe(404);
    });
  });

  it('keeps every version readable and records a delete as a version', async () => {
    expect((await putPolicy('versions', { detection: { minScore: 0.4 } })).body.version).toBe(1);
    expect((await putPolicy('versions', { detection: { minScore: 0.6 } })).body.version).toBe(2);
    const v1 = await service.request<{ document: { detection: { minScore: number } } }>(
      'GET',
      '/v1/policies/versions?version=1',
    );
    expect(v1.body.document.detection.minScore).toBe(0.4);
    for (const bad of ['abc', '0', '-1', '1.5']) {
      const res = await service.request<{ error: { code: string; message: string } }>(
        'GET',
        `/v1/policies/versions?version=${bad}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.message).toContain('version');
    }
    const latest = await service.request<{ version: number }>('GET', '/v1/policies/versions');
    expect(latest.body.version).toBe(2);
    expect((await service.request('DELETE', '/v1/policies/versions')).status).toBe(200);
    expect((await service.request('GET', '/v1/policies/versions')).status).toBe(404);
    const history = await service.request<{ version: number }[]>(
      'GET',
      '/v1/policies/versions/versions',
    );
    expect(history.body.map((v) => v.version)).toEqual([1, 2, 3]);
    expect((await service.post('/v1/tokenize', { text: 'x', policy: 'versions' })).status).toBe(
      404,
    );
  });

  it('detects with the policy: allow list, deny list and a custom recognizer with its own token type', async () => {
    const policy = {
      detection: {
        allowList: ['help@acme.example.com'],
        denyList: ['Project Falcon'],
        recognizers: [
          { type: 'EMPLOYEE_ID', pattern: 'EMP-[0-9]{6}', score: 0.9, context: ['employee'] },
        ],
      },
    };
    expect((await putPolicy('custom', policy)).status).toBe(200);
    const text = 'Employee EMP-123456 on Project Falcon wrote to help@acme.example.com';
    const res = await service.post<Tokenized>('/v1/tokenize', { text, policy: 'custom' });
    expect(res.status).toBe(200);
    const types = res.body.entities.map((e) => e.type);
    expect(types).toContain('EMPLOYEE_ID');
    expect(res.body.text).toMatch(/\[EMPLOYEE_ID_[0-9A-HJKMNP-TV-Z]{8}\]/);
    expect(res.body.text).toContain('help@acme.example.com');
    expect(res.body.text).not.toContain('Project Falcon');
    const restored = await service.post<Detokenized>('/v1/detokenize', { text: res.body.text });
    expect(restored.body.text).toBe(text);
  });

  it("/v1/detect accepts a custom recognizer's type only under the policy that defines it", async () => {
    const policy = {
      detection: {
        recognizers: [{ type: 'BADGE_NO', pattern: 'BDG-[0-9]{6}', score: 0.9 }],
      },
    };
    expect((await putPolicy('badges', policy)).status).toBe(200);
    const text = 'Badge BDG-424242 belongs to pat@clinic.example.com';
    const detect = (body: object) =>
      service.post<{ entities: { type: string; text: string }[] }>('/v1/detect', body);

    // The bug: the type was checked against the built-in list alone, before the policy: a 400.
    const asked = await detect({ text, policy: 'badges', entities: ['BADGE_NO'] });
    expect(asked.status).toBe(200);
    expect(asked.body.entities.map((e) => [e.type, e.text])).toEqual([['BADGE_NO', 'BDG-424242']]);

    // Under a policy without that recognizer the type is still unknown, and named as such.
    const elsewhere = await detect({ text, entities: ['BADGE_NO'] });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toMatchObject({ error: { code: 'invalid_request' } });
    expect(JSON.stringify(elsewhere.body)).toContain('unknown entity type BADGE_NO');
    const madeUp = await detect({ text, policy: 'badges', entities: ['NOT_A_TYPE'] });
    expect(madeUp.status).toBe(400);
    expect(JSON.stringify(madeUp.body)).toContain('unknown entity type NOT_A_TYPE');
  });

  it('format-preserving card tokens are Luhn-valid, keep the last four and round-trip inside free text', async () => {
    const tenant = `fp-${randomBytes(3).toString('hex')}`;
    const admin = await createKey(service, ['admin'], tenant);
    await putPolicy(
      'default',
      {
        tokens: {
          CREDIT_CARD: { format: 'format_preserving', keepLast: 4 },
          EMAIL_ADDRESS: { format: 'format_preserving' },
        },
      },
      admin,
    );
    const value = card().replace(/(\d{4})(?=\d)/g, '$1 ');
    const mail = email();
    const res = await service.post<Tokenized>(
      '/v1/tokenize',
      { text: `Card ${value}; mail ${mail}.` },
      admin,
    );
    const [cardToken, mailToken] = res.body.entities.map((e) => e.token);
    expect(cardToken).toMatch(/^999\d \d{4} \d{4} \d{4}$/);
    expect(luhnValid(cardToken.replace(/\D/g, ''))).toBe(true);
    expect(cardToken.slice(-4)).toBe(value.slice(-4));
    expect(cardToken).not.toBe(value);
    expect(mailToken).toMatch(/^[a-z0-9]{10}@vault\.invalid$/);

    const again = await service.post<Tokenized>('/v1/tokenize', { text: `again ${value}` }, admin);
    expect(again.body.entities[0].token).toBe(cardToken);

    const answer = `Sure! I refunded the card ${cardToken} and emailed ${mailToken} (ref 2024-118).`;
    const restored = await service.post<Detokenized>('/v1/detokenize', { text: answer }, admin);
    expect(restored.body.text).toBe(
      `Sure! I refunded the card ${value} and emailed ${mail} (ref 2024-118).`,
    );
  });

  it('mask and redact formats replace values irreversibly and store nothing', async () => {
    const tenant = `mask-${randomBytes(3).toString('hex')}`;
    const admin = await createKey(service, ['admin'], tenant);
    await putPolicy(
      'default',
      { tokens: { US_SSN: { format: 'mask' }, EMAIL_ADDRESS: { format: 'redact' } } },
      admin,
    );
    const value = ssn();
    const res = await service.post<Tokenized>(
      '/v1/tokenize',
      { text: `SSN ${value}, mail ${email()}` },
      admin,
    );
    expect(res.body.text).toBe(`SSN ***-**-${value.slice(-4)}, mail [EMAIL_ADDRESS]`);
    const stored = await withClient(db.url, (c) =>
      c.query(
        `SELECT count(*)::int AS n FROM vault_entries v JOIN tenants t ON t.id = v.tenant_id WHERE t.name = $1`,
        [tenant],
      ),
    );
    expect(stored.rows[0].n).toBe(0);
  });

  it('an expired token answers expired, its ciphertext is purged, and the value gets a new token', async () => {
    const tenant = `ttl-${randomBytes(3).toString('hex')}`;
    const admin = await createKey(service, ['admin'], tenant);
    await putPolicy('default', { tokens: { US_SSN: { ttl: 'PT1S' } } }, admin);
    const value = ssn();
    const first = await service.post<Tokenized>('/v1/tokenize', { text: `SSN ${value}` }, admin);
    const token = first.body.entities[0].token;
    expect(
      (await service.post<Detokenized>('/v1/detokenize', { tokens: [token] }, admin)).body.tokens[0]
        .outcome,
    ).toBe('revealed');
    await new Promise((resolve) => setTimeout(resolve, 2600));
    const later = await service.post<Detokenized>(
      '/v1/detokenize',
      { text: `was ${token}` },
      admin,
    );
    expect(later.body.tokens[0]).toEqual({ token, type: 'US_SSN', outcome: 'expired' });
    expect(later.body.text).toBe(`was ${token}`);
    const row = await withClient(db.url, (c) =>
      c.query(`SELECT ciphertext, purged_at FROM vault_entries WHERE token = $1`, [token]),
    );
    expect(row.rows[0].ciphertext).toBeNull();
    expect(row.rows[0].purged_at).not.toBeNull();
    // The purge's index holds unpurged entries only, so later runs do not walk this one again.
    const index = await withClient(db.url, (c) =>
      c.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'vault_entries_expiry_idx'`),
    );
    expect(index.rows[0].indexdef).toMatch(
      /WHERE \(\(expires_at IS NOT NULL\) AND \(purged_at IS NULL\)\)/,
    );

    const again = await service.post<Tokenized>('/v1/tokenize', { text: `SSN ${value}` }, admin);
    expect(again.body.entities[0].token).not.toBe(token);
  });

  it('forget deletes a subject by value or by token, so its tokens answer unknown', async () => {
    const tenant = `forget-${randomBytes(3).toString('hex')}`;
    const admin = await createKey(service, ['admin'], tenant);
    const mail = email();
    const a = await service.post<Tokenized>('/v1/tokenize', { text: mail }, admin);
    const b = await service.post<Tokenized>('/v1/tokenize', { text: mail, scope: 'chat-9' }, admin);
    const forgot = await service.post<{ deleted: number }>('/v1/forget', { value: mail }, admin);
    expect(forgot.status).toBe(200);
    expect(forgot.body.deleted).toBe(2);
    const after = await service.post<Detokenized>(
      '/v1/detokenize',
      { tokens: [a.body.entities[0].token, b.body.entities[0].token] },
      admin,
    );
    expect(after.body.tokens.map((t) => t.outcome)).toEqual(['unknown', 'unknown']);

    const other = ssn();
    const c = await service.post<Tokenized>('/v1/tokenize', { text: other }, admin);
    expect(
      (
        await service.post<{ deleted: number }>(
          '/v1/forget',
          { token: c.body.entities[0].token },
          admin,
        )
      ).body.deleted,
    ).toBe(1);
    const audit = await service.request<{ events: { details: { deleted: number } }[] }>(
      'GET',
      '/v1/audit?action=forget',
      {
        key: admin,
      },
    );
    expect(audit.body.events).toHaveLength(2);
    expect(JSON.stringify(audit.body)).not.toContain(mail);
  });
});
