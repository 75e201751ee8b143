import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';

import { luhnComplete } from './support/luhn';
import { createDatabase, createKey, newMasterKey, Service, withClient } from './support/service';

interface Tokenized {
  text: string;
  entities: { type: string; start: number; end: number; token: string; score: number }[];
}
interface Detokenized {
  text?: string;
  tokens: { token: string; type: string | null; outcome: string; value?: string }[];
}

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '..', 'dist', 'src', 'cli', 'main.js');

/** Values unique to this run, so their presence anywhere is a real leak, not a coincidence. */
function uniqueValues() {
  const tag = randomBytes(4).toString('hex');
  return {
    email: `ada.${tag}@example.org`,
    phone: `(415) 555-${String(randomInt(1000, 9999))}`,
    ssn: `${randomInt(100, 599)}-${randomInt(10, 99)}-${randomInt(1000, 9999)}`,
    card: luhnComplete(`4${String(randomInt(10 ** 13, 10 ** 14 - 1))}`),
  };
}

describe('vault core over HTTP on a real PostgreSQL', () => {
  let db: { url: string; name: string };
  let masterKey: string;
  let service: Service;

  beforeAll(async () => {
    db = await createDatabase();
    masterKey = newMasterKey();
    service = await Service.start({ databaseUrl: db.url, masterKey });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('round trip restores the exact text, with emoji and non-Latin text around the values', async () => {
    const v = uniqueValues();
    const text = `🙂 Привет! 请联系 ${v.email}、電話 ${v.phone}。SSN:${v.ssn} — كارت ${v.card} 👍🏽 naïve café ${v.email}`;
    const tokenized = await service.post<Tokenized>('/v1/tokenize', { text });
    expect(tokenized.status).toBe(200);
    for (const value of Object.values(v)) expect(tokenized.body.text).not.toContain(value);
    expect(new Set(tokenized.body.entities.map((e) => e.type))).toEqual(
      new Set(['EMAIL_ADDRESS', 'PHONE_NUMBER', 'US_SSN', 'CREDIT_CARD']),
    );
    for (const entity of tokenized.body.entities) {
      expect(text.slice(entity.start, entity.end)).toBe(
        { EMAIL_ADDRESS: v.email, PHONE_NUMBER: v.phone, US_SSN: v.ssn, CREDIT_CARD: v.card }[
          entity.type
        ],
      );
      expect(entity.token).toMatch(/^\[([A-Z][A-Z0-9_]{0,47})_([0-9A-HJKMNP-TV-Z]{6,12})\]$/);
    }
    const emails = tokenized.body.entities.filter((e) => e.type === 'EMAIL_ADDRESS');
    expect(emails).toHaveLength(2);
    expect(emails[0].token).toBe(emails[1].token);

    const restored = await service.post<Detokenized>('/v1/detokenize', {
      text: tokenized.body.text,
    });
    expect(restored.status).toBe(200);
    expect(restored.body.text).toBe(text);
    expect(restored.body.tokens.every((t) => t.outcome === 'revealed')).toBe(true);
  });

  it('gives the same value the same token across requests and inside a batch', async () => {
    const v = uniqueValues();
    const first = await service.post<Tokenized>('/v1/tokenize', { text: `write to ${v.email}` });
    const second = await service.post<Tokenized>('/v1/tokenize', { text: `${v.email} wrote back` });
    expect(first.body.entities[0].token).toBe(second.body.entities[0].token);

    const batch = await service.post<{ results: Tokenized[] }>('/v1/tokenize', {
      texts: [`a ${v.email}`, `b ${v.card}`, `c ${v.email} ${v.card}`],
    });
    expect(batch.status).toBe(200);
    const [a, b, c] = batch.body.results;
    expect(a.entities[0].token).toBe(first.body.entities[0].token);
    expect(c.entities.map((e) => e.token)).toEqual([a.entities[0].token, b.entities[0].token]);
  });

  it('keeps tokens apart per scope when a scope is given', async () => {
    const v = uniqueValues();
    const one = await service.post<Tokenized>('/v1/tokenize', {
      text: v.email,
      scope: 'conversation-1',
    });
    const two = await service.post<Tokenized>('/v1/tokenize', {
      text: v.email,
      scope: 'conversation-2',
    });
    const again = await service.post<Tokenized>('/v1/tokenize', {
      text: v.email,
      scope: 'conversation-1',
    });
    expect(one.body.entities[0].token).not.toBe(two.body.entities[0].token);
    expect(again.body.entities[0].token).toBe(one.body.entities[0].token);
  });

  it('creates one vault entry when 50 concurrent requests tokenize the same new value', async () => {
    const v = uniqueValues();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        service.post<Tokenized>('/v1/tokenize', { text: `pay with ${v.card}` }),
      ),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const tokens = new Set(responses.map((r) => r.body.entities[0].token));
    expect(tokens.size).toBe(1);
    const [token] = [...tokens];
    const rows = await withClient(db.url, (c) =>
      c.query(
        `SELECT count(*)::int AS n FROM vault_entries WHERE entity_type = 'CREDIT_CARD' AND token = $1`,
        [token],
      ),
    );
    expect(rows.rows[0].n).toBe(1);
    const all = await withClient(db.url, (c) =>
      c.query(
        `SELECT count(*)::int AS n FROM vault_entries v JOIN vault_entries w
            ON v.blind_index = w.blind_index AND v.id <> w.id AND v.scope = w.scope AND v.tenant_id = w.tenant_id`,
      ),
    );
    expect(all.rows[0].n).toBe(0);
  });

  it('stores no plaintext value anywhere in the database, only ciphertext', async () => {
    const v = uniqueValues();
    const res = await service.post<Tokenized>('/v1/tokenize', {
      text: `Customer ${v.email}, phone ${v.phone}, SSN ${v.ssn}, card ${v.card}`,
    });
    expect(res.body.entities).toHaveLength(4);
    const dump = await dumpDatabase(db.url);
    for (const value of Object.values(v)) {
      expect(dump).not.toContain(value);
      expect(dump).not.toContain(Buffer.from(value, 'utf8').toString('hex'));
      expect(dump).not.toContain(Buffer.from(value, 'utf8').toString('base64'));
    }
    expect(service.logs()).not.toContain(v.email);
    expect(service.logs()).not.toContain(v.ssn);
  });

  it('leads every primary and unique key of a per-tenant table with tenant_id (shardable by tenant)', async () => {
    // Tables whose keys cannot or need not lead with tenant_id; each reason is in the migration
    // TenantLeadingKeys: the tenant table itself, keys found before their tenant is known, and
    // discovery's scan bookkeeping, which hangs off scan ids.
    const exempt = new Set([
      'tenants',
      'api_keys',
      'rate_limits',
      'schema_migrations',
      'discovery_scans',
      'discovery_scan_tables',
      'discovery_scan_columns',
    ]);
    const keys = await withClient(db.url, (c) =>
      c.query(
        `SELECT rel.relname AS table_name, con.conname AS name,
                (SELECT attname FROM pg_attribute
                  WHERE attrelid = con.conrelid AND attnum = con.conkey[1]) AS first_column
           FROM pg_constraint con
           JOIN pg_class rel ON rel.oid = con.conrelid
           JOIN pg_namespace ns ON ns.oid = rel.relnamespace
          WHERE ns.nspname = 'public' AND con.contype IN ('p', 'u')`,
      ),
    );
    const rows = keys.rows as { table_name: string; name: string; first_column: string }[];
    const checked = rows.filter((r) => !exempt.has(r.table_name));
    expect(checked.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['vault_entries', 'audit_events', 'policies', 'tenant_keys']),
    );
    expect(checked.filter((r) => r.first_column !== 'tenant_id')).toEqual([]);
  });

  it('answers unknown to tenant A for tenant B tokens, without revealing that they exist', async () => {
    const tenantA = await createKey(service, ['admin'], 'tenant-a');
    const tenantB = await createKey(service, ['admin'], 'tenant-b');
    const v = uniqueValues();
    const tokenized = await service.post<Tokenized>(
      '/v1/tokenize',
      { text: `SSN ${v.ssn}` },
      tenantB,
    );
    const token = tokenized.body.entities[0].token;

    const asA = await service.post<Detokenized>(
      '/v1/detokenize',
      { text: `value: ${token}` },
      tenantA,
    );
    expect(asA.status).toBe(200);
    expect(asA.body.text).toBe(`value: ${token}`);
    expect(asA.body.tokens).toEqual([{ token, type: 'US_SSN', outcome: 'unknown' }]);
    const neverIssued = await service.post<Detokenized>(
      '/v1/detokenize',
      { tokens: ['[US_SSN_ZZZZZZ]'] },
      tenantA,
    );
    expect(neverIssued.body.tokens[0]).toEqual({
      token: '[US_SSN_ZZZZZZ]',
      type: 'US_SSN',
      outcome: 'unknown',
    });

    const asB = await service.post<Detokenized>('/v1/detokenize', { tokens: [token] }, tenantB);
    expect(asB.body.tokens[0]).toMatchObject({ token, outcome: 'revealed', value: v.ssn });
  });

  it('keeps concurrent reveals of two tenants apart: each sees its own values, the other’s as unknown', async () => {
    // Lookups of requests arriving together share one statement per tenant (VaultRepository).
    const keys = {
      a: await createKey(service, ['admin'], 'tenant-concurrent-a'),
      b: await createKey(service, ['admin'], 'tenant-concurrent-b'),
    };
    const issued = async (key: string) => {
      const v = uniqueValues();
      const res = await service.post<Tokenized>('/v1/tokenize', { text: `SSN ${v.ssn}` }, key);
      return { token: res.body.entities[0].token, value: v.ssn };
    };
    const own = {
      a: await Promise.all(Array.from({ length: 6 }, () => issued(keys.a))),
      b: await Promise.all(Array.from({ length: 6 }, () => issued(keys.b))),
    };
    const reveals = (['a', 'b'] as const).flatMap((side) =>
      own[side].map((mine, i) => {
        const theirs = own[side === 'a' ? 'b' : 'a'][i];
        return service
          .post<Detokenized>('/v1/detokenize', { tokens: [mine.token, theirs.token] }, keys[side])
          .then((res) => ({ res, mine, theirs }));
      }),
    );
    for (const { res, mine, theirs } of await Promise.all(reveals)) {
      expect(res.status).toBe(200);
      expect(res.body.tokens).toEqual([
        { token: mine.token, type: 'US_SSN', outcome: 'revealed', value: mine.value },
        { token: theirs.token, type: 'US_SSN', outcome: 'unknown' },
      ]);
    }
  });

  it('the same value in two tenants gets unrelated tokens', async () => {
    const a = await createKey(service, ['admin'], 'tenant-c');
    const b = await createKey(service, ['admin'], 'tenant-d');
    const v = uniqueValues();
    const inA = await service.post<Tokenized>('/v1/tokenize', { text: v.email }, a);
    const inB = await service.post<Tokenized>('/v1/tokenize', { text: v.email }, b);
    expect(inA.body.entities[0].token).not.toBe(inB.body.entities[0].token);
  });

  it('under the built-in default policy only role admin reveals; other roles get denied and the token stays', async () => {
    const detokenizer = await createKey(service, ['detokenizer']);
    const v = uniqueValues();
    const tokenized = await service.post<Tokenized>('/v1/tokenize', { text: `mail ${v.email}` });
    const asAdmin = await service.post<Detokenized>('/v1/detokenize', {
      text: tokenized.body.text,
    });
    expect(asAdmin.body.text).toBe(`mail ${v.email}`);
    const asOther = await service.post<Detokenized>(
      '/v1/detokenize',
      { text: tokenized.body.text },
      detokenizer,
    );
    expect(asOther.status).toBe(200);
    expect(asOther.body.text).toBe(tokenized.body.text);
    expect(asOther.body.tokens[0].outcome).toBe('denied');
  });

  it('lets only admins manage API keys, and a revoked key stops working at once', async () => {
    const support = await createKey(service, ['support']);
    const forbidden = await service.request('POST', '/v1/admin/api-keys', {
      key: support,
      body: { name: 'x', roles: ['admin'] },
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ error: { code: 'forbidden' } });

    const created = await service.request<{ id: string; key: string }>(
      'POST',
      '/v1/admin/api-keys',
      {
        body: { name: 'temp', roles: ['detokenizer'] },
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^pvk_[a-z2-7]{16}_[A-Za-z0-9_-]{43}$/);
    expect((await service.post('/v1/tokenize', { text: 'hi' }, created.body.key)).status).toBe(200);

    const list = await service.request<{ id: string; key?: string }[]>('GET', '/v1/admin/api-keys');
    expect(list.body.some((k) => k.id === created.body.id)).toBe(true);
    expect(list.body.every((k) => k.key === undefined)).toBe(true);

    const revoked = await service.request('DELETE', `/v1/admin/api-keys/${created.body.id}`);
    expect(revoked.status).toBe(200);
    const after = await service.post('/v1/tokenize', { text: 'hi' }, created.body.key);
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ error: { code: 'unauthenticated' } });
    const secretRows = await withClient(db.url, (c) => c.query(`SELECT secret_hash FROM api_keys`));
    for (const row of secretRows.rows as { secret_hash: string }[])
      expect(row.secret_hash).toMatch(/^\$argon2id\$/);
  });

  describe('bad input gets a clear 4xx JSON error, never a 500', () => {
    const cases: {
      name: string;
      status: number;
      code: string;
      mentions?: string;
      send: () => Promise<{ status: number; body: unknown }>;
    }[] = [
      {
        name: 'malformed JSON',
        status: 400,
        code: 'invalid_json',
        send: () => service.request('POST', '/v1/tokenize', { rawBody: '{"text": "abc' }),
      },
      {
        name: 'missing text',
        status: 400,
        code: 'invalid_request',
        mentions: 'text',
        send: () => service.post('/v1/tokenize', {}),
      },
      {
        name: 'text of the wrong type',
        status: 400,
        code: 'invalid_request',
        mentions: 'text must be a string',
        send: () => service.post('/v1/tokenize', { text: 42 }),
      },
      {
        name: 'texts of the wrong type',
        status: 400,
        code: 'invalid_request',
        mentions: 'texts',
        send: () => service.post('/v1/tokenize', { texts: 'abc' }),
      },
      {
        name: 'an unknown field',
        status: 400,
        code: 'invalid_request',
        mentions: 'colour',
        send: () => service.post('/v1/tokenize', { text: 'a', colour: 'red' }),
      },
      {
        name: 'both text and texts',
        status: 400,
        code: 'invalid_request',
        mentions: 'not both',
        send: () => service.post('/v1/tokenize', { text: 'a', texts: ['b'] }),
      },
      {
        name: 'a bad scope',
        status: 400,
        code: 'invalid_request',
        mentions: 'scope',
        send: () => service.post('/v1/tokenize', { text: 'a', scope: 'has spaces' }),
      },
      {
        name: 'detokenize tokens of the wrong type',
        status: 400,
        code: 'invalid_request',
        mentions: 'tokens',
        send: () => service.post('/v1/detokenize', { tokens: [1, 2] }),
      },
      {
        name: 'a body over the limit',
        status: 413,
        code: 'payload_too_large',
        send: () => service.post('/v1/tokenize', { text: 'x'.repeat(1024 * 1024 + 10) }),
      },
      {
        name: 'a non-JSON content type',
        status: 415,
        code: 'unsupported_media_type',
        send: () =>
          service.request('POST', '/v1/tokenize', {
            rawBody: 'text=a',
            headers: { 'content-type': 'text/plain' },
          }),
      },
      {
        name: 'a missing API key',
        status: 401,
        code: 'unauthenticated',
        send: () => service.post('/v1/tokenize', { text: 'a' }, null),
      },
      {
        name: 'a wrong API key',
        status: 401,
        code: 'unauthenticated',
        send: () =>
          service.post('/v1/tokenize', { text: 'a' }, 'pvk_aaaaaaaaaaaaaaaa_' + 'A'.repeat(43)),
      },
      {
        name: 'a malformed Authorization header',
        status: 401,
        code: 'unauthenticated',
        send: () =>
          service.request('POST', '/v1/tokenize', {
            key: null,
            body: { text: 'a' },
            headers: { authorization: 'Basic abc' },
          }),
      },
      {
        name: 'an unknown route',
        status: 404,
        code: 'not_found',
        send: () => service.post('/v1/nothing-here', { text: 'a' }),
      },
    ];
    it.each(cases)('$name → $status $code', async ({ status, code, mentions, send }) => {
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ error: { code } });
      const message = (res.body as { error: { message: string } }).error.message;
      expect(typeof message).toBe('string');
      if (mentions) expect(message).toContain(mentions);
      expect(JSON.stringify(res.body)).not.toMatch(/\bat .+\.js:\d+/);
    });
  });

  it('serves health without a key and OpenAPI at /docs', async () => {
    const health = await service.request('GET', '/health', { key: null });
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', database: 'up' });
    const spec = await service.request<{ paths: Record<string, unknown> }>('GET', '/docs-json', {
      key: null,
    });
    expect(spec.status).toBe(200);
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/tokenize',
        '/v1/detokenize',
        '/v1/detect',
        '/v1/admin/api-keys',
        '/health',
      ]),
    );
  });
});

describe('durability and failure', () => {
  it('tokens still detokenize after a restart and a data-key rotation, and shutdown on SIGTERM is clean', async () => {
    const db = await createDatabase();
    const masterKey = newMasterKey();
    const first = await Service.start({ databaseUrl: db.url, masterKey });
    const v = uniqueValues();
    const tokenized = await first.post<Tokenized>('/v1/tokenize', {
      text: `call ${v.phone} or ${v.email}`,
    });
    expect(await first.stop('SIGTERM')).toBe(0);

    // Rotate the data key from the CLI while the service is down: new values use version 2.
    const cli = await run(process.execPath, [CLI, 'rotate-data-key', '--tenant', 'default'], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, PII_VAULT_MASTER_KEY: masterKey },
    });
    expect(cli.stdout).toContain('data key version 2');

    const second = await Service.start({ databaseUrl: db.url, masterKey });
    try {
      const restored = await second.post<Detokenized>('/v1/detokenize', {
        text: tokenized.body.text,
      });
      expect(restored.body.text).toBe(`call ${v.phone} or ${v.email}`);
      const fresh = uniqueValues();
      const newer = await second.post<Tokenized>('/v1/tokenize', { text: fresh.email });
      const oldToken = tokenized.body.entities[0].token;
      const newToken = newer.body.entities[0].token;
      const versions = await withClient(db.url, (c) =>
        c.query(`SELECT token, key_version FROM vault_entries WHERE token = ANY($1)`, [
          [oldToken, newToken],
        ]),
      );
      const byToken = Object.fromEntries(
        (versions.rows as { token: string; key_version: number }[]).map((r) => [
          r.token,
          r.key_version,
        ]),
      );
      expect(byToken).toEqual({ [oldToken]: 1, [newToken]: 2 });
      const both = await second.post<Detokenized>('/v1/detokenize', {
        text: `${oldToken} ${newToken}`,
      });
      expect(both.body.text).toBe(`${v.phone} ${fresh.email}`);
      const again = await second.post<Tokenized>('/v1/tokenize', { text: v.email });
      expect(again.body.entities[0].token).toBe(
        tokenized.body.entities.find((e) => e.type === 'EMAIL_ADDRESS')!.token,
      );
    } finally {
      await second.stop();
    }
  });

  it('fails closed with a different master key: 503, never plaintext or a fresh token', async () => {
    const db = await createDatabase();
    const first = await Service.start({ databaseUrl: db.url, masterKey: newMasterKey() });
    const v = uniqueValues();
    const tokenized = await first.post<Tokenized>('/v1/tokenize', { text: v.email });
    await first.stop();

    const wrongKey = await Service.start({ databaseUrl: db.url, masterKey: newMasterKey() });
    try {
      const detok = await wrongKey.post('/v1/detokenize', { text: tokenized.body.text });
      expect(detok.status).toBe(503);
      expect(detok.body).toMatchObject({ error: { code: 'key_unavailable' } });
      const tok = await wrongKey.post('/v1/tokenize', { text: `again ${v.email}` });
      expect(tok.status).toBe(503);
      expect(JSON.stringify(tok.body)).not.toContain(v.email);
    } finally {
      await wrongKey.stop();
    }
  });

  it('answers 503 and nothing else while the database is unreachable', async () => {
    const db = await createDatabase();
    const service = await Service.start({ databaseUrl: db.url, masterKey: newMasterKey() });
    try {
      const v = uniqueValues();
      expect((await service.post('/v1/tokenize', { text: 'warm up' })).status).toBe(200);
      await withClient(new URL('/postgres', db.url).toString(), async (c) => {
        await c.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
        await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [
          db.name,
        ]);
      });
      const tok = await service.post('/v1/tokenize', { text: `secret ${v.email}` });
      expect(tok.status).toBe(503);
      expect(tok.body).toMatchObject({ error: { code: 'database_unavailable' } });
      expect(JSON.stringify(tok.body)).not.toContain(v.email);
      const detok = await service.post('/v1/detokenize', { text: '[EMAIL_ADDRESS_ABCDEF]' });
      expect(detok.status).toBe(503);
      expect((await service.request('GET', '/health', { key: null })).status).toBe(503);
      expect(service.logs()).not.toContain(v.email);

      await withClient(new URL('/postgres', db.url).toString(), (c) =>
        c.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`),
      );
      expect((await service.post('/v1/tokenize', { text: `secret ${v.email}` })).status).toBe(200);
    } finally {
      await service.stop();
    }
  });

  it('refuses to start against an external database without a master key', async () => {
    const db = await createDatabase();
    const result = await Service.startFailing({ databaseUrl: db.url });
    expect(result.code).toBe(1);
    expect(result.output).toContain('PII_VAULT_MASTER_KEY is required');
  });

  it('refuses to start with a bad PORT and names the variable', async () => {
    const result = await Service.startFailing({ env: { PORT: 'eighty' } });
    expect(result.code).toBe(1);
    expect(result.output).toContain('PORT must be an integer');
  });
});

/** Every row of every table in the database as text (bytea shows as hex), like a plain dump. */
async function dumpDatabase(url: string): Promise<string> {
  return withClient(url, async (c) => {
    const tables = await c.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    let dump = '';
    for (const { table_name } of tables.rows as { table_name: string }[]) {
      const rows = await c.query(`SELECT t::text AS row FROM "${table_name}" t`);
      dump += (rows.rows as { row: string }[]).map((r) => r.row).join('\n');
    }
    return dump;
  });
}
