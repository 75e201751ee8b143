import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AuditWriter } from '../src/audit/audit-writer';
import { type AuditRow, AuditService } from '../src/audit/audit.service';
import { legacyLinkHash } from '../src/audit/audit-chain';
import type { AuditOutcome, AuditTokenEntry } from '../src/audit/audit.types';
import { AuditMac } from '../src/crypto/audit-mac';
import { dataSourceOptions } from '../src/database/data-source';
import {
  ADMIN_KEY,
  createDatabase,
  createKey,
  newMasterKey,
  Service,
  withClient,
} from './support/service';

interface AuditEventBody {
  id: string;
  seq: string;
  occurredAt: string;
  action: string;
  apiKeyId: string | null;
  roles: string[];
  purpose: string | null;
  details: { tokens?: AuditTokenEntry[]; [key: string]: unknown };
  prevHash: string;
  hash: string;
  chainVersion: number;
}
interface AuditPageBody {
  events: AuditEventBody[];
  nextCursor: string | null;
}
interface VerifyBody {
  intact: boolean;
  checked: number;
  legacyRows: number;
  head?: { seq: string; hash: string } | null;
  suppliedHead?: { seq: string; contained: true };
  firstBreak?: { seq: string; id?: string; reason: string; expectedSeq?: string };
}
interface HeadBody {
  seq: string;
  hash: string;
  hmac: string;
  time: string;
}
interface ErrorBody {
  error: { code: string; message: string };
}
interface CreatedKey {
  id: string;
  key: string;
}

/** A tenant name unique to this run, so each test owns its own chain. */
const uniqueTenant = (label: string) => `${label}-${randomBytes(3).toString('hex')}`;

describe('audit trail over HTTP on a real PostgreSQL', () => {
  let db: { url: string; name: string };
  let masterKey: string;
  let service: Service;
  /** In-process AuditService on the same database: the API the vault's modules call. */
  let dataSource: DataSource;
  let audit: AuditService;

  beforeAll(async () => {
    db = await createDatabase('audit');
    masterKey = newMasterKey();
    service = await Service.start({ databaseUrl: db.url, masterKey });
    dataSource = new DataSource(dataSourceOptions(db.url, { size: 8, idleSeconds: 0 }));
    await dataSource.initialize();
    // The audit key comes from the master key, as in the service: this process writes the same chain.
    const mac = new AuditMac(Buffer.from(masterKey, 'base64'));
    audit = new AuditService(dataSource, new AuditWriter(dataSource, mac, () => {}), mac);
  });

  afterAll(async () => {
    await audit?.close();
    await dataSource?.destroy();
    await service?.stop();
  });

  /** An admin key of a fresh tenant (created by the bootstrap operator) and the tenant's id. */
  async function newTenant(label: string): Promise<{ name: string; id: string; admin: string }> {
    const name = uniqueTenant(label);
    const admin = await createKey(service, ['admin'], name);
    const rows = await withClient(db.url, (c) =>
      c.query<{ id: string }>('SELECT id FROM tenants WHERE name = $1', [name]),
    );
    return { name, id: rows.rows[0].id, admin };
  }

  async function createKeyAs(admin: string, name: string, roles: string[]): Promise<CreatedKey> {
    const res = await service.request<CreatedKey>('POST', '/v1/admin/api-keys', {
      key: admin,
      body: { name, roles },
    });
    if (res.status !== 201)
      throw new Error(`create key: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function auditPage(admin: string, query: string): Promise<AuditPageBody> {
    const res = await service.request<AuditPageBody>('GET', `/v1/audit${query}`, { key: admin });
    if (res.status !== 200) throw new Error(`audit: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function verify(
    admin: string,
    on: Service = service,
    head?: HeadBody,
  ): Promise<VerifyBody> {
    const query = head ? `?${new URLSearchParams({ ...head }).toString()}` : '';
    const res = await on.request<VerifyBody>('GET', `/v1/audit/verify${query}`, { key: admin });
    expect(res.status).toBe(200);
    return res.body;
  }

  async function exportHead(admin: string): Promise<HeadBody> {
    const res = await service.request<HeadBody>('GET', '/v1/audit/head', { key: admin });
    expect(res.status).toBe(200);
    return res.body;
  }

  async function chainSeqs(tenantId: string): Promise<number[]> {
    const rows = await withClient(db.url, (c) =>
      c.query<{ seq: string }>('SELECT seq FROM audit_events WHERE tenant_id = $1 ORDER BY seq', [
        tenantId,
      ]),
    );
    return rows.rows.map((r) => Number(r.seq));
  }

  const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it('records API key creation and revocation with who did it, and never the secret', async () => {
    const tenant = await newTenant('keys');
    const adminId = (
      await service.request<{ id: string; name: string }[]>('GET', '/v1/admin/api-keys', {
        key: tenant.admin,
      })
    ).body[0].id;
    const created = await createKeyAs(tenant.admin, 'support-desk', ['support']);
    expect(
      (await service.request('DELETE', `/v1/admin/api-keys/${created.id}`, { key: tenant.admin }))
        .status,
    ).toBe(200);

    const page = await auditPage(tenant.admin, '');
    expect(page.events.map((e) => e.action)).toEqual([
      'api_key.revoke',
      'api_key.create',
      'api_key.create',
    ]);
    const [revoke, create] = page.events;
    for (const event of [revoke, create]) {
      expect(event.apiKeyId).toBe(adminId);
      expect(event.roles).toEqual(['admin']);
      expect(event.details).toEqual({
        keyId: created.id,
        name: 'support-desk',
        tenant: tenant.name,
        roles: ['support'],
        rateLimitPerMinute: null,
        revealBudgetPerHour: null,
      });
    }
    // The bootstrap operator created the tenant's admin key: it is in this tenant's chain.
    expect(page.events[2].roles).toEqual(['admin', 'operator']);

    // pvk_<16-char lookup id>_<secret>
    const secretOf = (key: string) => key.slice('pvk_'.length + 17);
    const stored = await withClient(db.url, (c) =>
      c.query('SELECT * FROM audit_events WHERE tenant_id = $1', [tenant.id]),
    );
    for (const text of [JSON.stringify(page), JSON.stringify(stored.rows)]) {
      for (const key of [created.key, tenant.admin]) expect(text).not.toContain(secretOf(key));
      expect(text).not.toContain('argon2');
    }
  });

  it('refuses the audit trail and its verification to non-admin keys', async () => {
    const support = await createKey(service, ['support']);
    const operatorOnly = await createKey(service, ['operator']);
    for (const route of ['/v1/audit', '/v1/audit/verify', '/v1/audit/head']) {
      for (const key of [support, operatorOnly]) {
        const res = await service.request('GET', route, { key });
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ error: { code: 'forbidden' } });
      }
      expect((await service.request('GET', route, { key: null })).status).toBe(401);
    }
  });

  describe('a bad query parameter gets a 400 that names it', () => {
    const cases: [string, string][] = [
      ['from=yesterday', 'from'],
      ['to=2026-13-01T00:00:00Z', 'to'],
      ['keyId=not-a-uuid', 'keyId'],
      ['type=credit_card', 'type'],
      ['outcome=leaked', 'outcome'],
      ['action=drop_table', 'action'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=', 'limit'],
      ['cursor=-5', 'cursor'],
      ['colour=blue', 'colour'],
    ];
    it.each(cases)('%s', async (query, param) => {
      const res = await service.request<{ error: { code: string; message: string } }>(
        'GET',
        `/v1/audit?${query}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.message).toContain(param);
    });
  });

  it('filters by token type, outcome (of the same token), key, action and time, and pages by cursor', async () => {
    const tenant = await newTenant('filters');
    const reader = await createKeyAs(tenant.admin, 'reader', ['support']);
    const other = await createKeyAs(tenant.admin, 'other', ['billing']);
    const reveal = (type: string, outcome: AuditOutcome, n: number): AuditTokenEntry => ({
      token: `[${type}_${String(n).padStart(6, 'A')}]`,
      type,
      outcome,
    });
    const detokenize = (keyId: string, tokens: AuditTokenEntry[], purpose?: string) =>
      audit.record({
        tenantId: tenant.id,
        action: 'detokenize',
        apiKeyId: keyId,
        roles: ['support'],
        purpose,
        details: { tokens },
      });

    await detokenize(reader.id, [
      reveal('PERSON', 'revealed', 1),
      reveal('CREDIT_CARD', 'denied', 2),
    ]);
    await detokenize(other.id, [reveal('CREDIT_CARD', 'masked', 3)], 'refund 42');
    await new Promise((r) => setTimeout(r, 20));
    const between = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await detokenize(reader.id, [reveal('CREDIT_CARD', 'revealed', 4)]);
    await detokenize(reader.id, [reveal('EMAIL_ADDRESS', 'unknown', 5)]);

    const tokensOf = (page: AuditPageBody) => page.events.map((e) => e.details.tokens?.[0].token);
    const cards = await auditPage(tenant.admin, '?type=CREDIT_CARD');
    expect(cards.events).toHaveLength(3);
    // Newest first; the first event matches through its second token.
    expect(tokensOf(cards)).toEqual([
      '[CREDIT_CARD_AAAAA4]',
      '[CREDIT_CARD_AAAAA3]',
      '[PERSON_AAAAA1]',
    ]);
    // type and outcome must hold for one token: event 1 has a denied card and a revealed person.
    const revealedCards = await auditPage(tenant.admin, '?type=CREDIT_CARD&outcome=revealed');
    expect(tokensOf(revealedCards)).toEqual(['[CREDIT_CARD_AAAAA4]']);
    expect(tokensOf(await auditPage(tenant.admin, '?outcome=revealed'))).toEqual([
      '[CREDIT_CARD_AAAAA4]',
      '[PERSON_AAAAA1]',
    ]);
    const byOther = await auditPage(tenant.admin, `?keyId=${other.id}`);
    expect(byOther.events).toHaveLength(1);
    expect(byOther.events[0].purpose).toBe('refund 42');
    expect(
      (await auditPage(tenant.admin, '?action=api_key.create')).events.map((e) => e.details.name),
    ).toEqual(['other', 'reader', `key-admin`]);
    const from = encodeURIComponent(between.toISOString());
    expect(tokensOf(await auditPage(tenant.admin, `?action=detokenize&from=${from}`))).toEqual([
      '[EMAIL_ADDRESS_AAAAA5]',
      '[CREDIT_CARD_AAAAA4]',
    ]);
    expect(tokensOf(await auditPage(tenant.admin, `?action=detokenize&to=${from}`))).toEqual([
      '[CREDIT_CARD_AAAAA3]',
      '[PERSON_AAAAA1]',
    ]);

    // 7 events (3 key creations, 4 detokenizes) in pages of 3: every one exactly once, in order.
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: AuditPageBody = await auditPage(
        tenant.admin,
        `?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.events.length).toBeLessThanOrEqual(3);
      seen.push(...page.events.map((e) => e.seq));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['7', '6', '5', '4', '3', '2', '1']);
  });

  it('searches details through a GIN index without a pending list, which an insert would merge under the chain lock', async () => {
    // With GIN's fastupdate, the insert that found the list past 4 MB merged it, up to 394 ms in
    // which every reveal of the tenant waited (bench/db-pauses.ts, "gin").
    const index = await withClient(db.url, (c) =>
      c.query<{ reloptions: string[] | null; indexdef: string }>(
        `SELECT c.reloptions, i.indexdef FROM pg_class c
           JOIN pg_indexes i ON i.indexname = c.relname
          WHERE c.relname = 'audit_events_details_idx'`,
      ),
    );
    expect(index.rows[0].indexdef).toMatch(/USING gin \(details jsonb_path_ops\)/);
    expect(index.rows[0].reloptions).toContain('fastupdate=off');
  });

  it('only ever shows a tenant its own events', async () => {
    const a = await newTenant('own-a');
    const b = await newTenant('own-b');
    await createKeyAs(b.admin, 'only-in-b', ['support']);
    const page = await auditPage(a.admin, '?limit=1000');
    expect(page.events.map((e) => e.details.name)).toEqual(['key-admin']);
  });

  it('keeps a gap-free chain that verifies intact under 100 concurrent audited requests', async () => {
    const tenant = await newTenant('concurrent');
    const results = await Promise.all(
      range(100).map((i) =>
        service.request('POST', '/v1/admin/api-keys', {
          key: tenant.admin,
          body: { name: `bulk-${i}`, roles: ['support'] },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    expect(await chainSeqs(tenant.id)).toEqual(range(101));
    const result = await verify(tenant.admin);
    expect(result).toMatchObject({ intact: true, checked: 101, head: { seq: '101' } });
    expect(result.firstBreak).toBeUndefined();
  });

  it('resolves each record only once its row is committed, and group-commits concurrent ones', async () => {
    const tenant = await newTenant('group');
    await Promise.all(
      range(300).map((i) =>
        audit.record({
          tenantId: tenant.id,
          action: 'detokenize',
          apiKeyId: null,
          roles: ['support'],
          details: { tokens: [{ token: `[PERSON_${i}]`, type: 'PERSON', outcome: 'denied' }] },
        }),
      ),
    );
    // Every record has resolved: all rows must be visible to another connection now.
    expect(await chainSeqs(tenant.id)).toEqual(range(301));
    // xmin is the inserting transaction: one per batch, not one per event.
    const transactions = await withClient(db.url, (c) =>
      c.query<{ n: string }>(
        'SELECT count(DISTINCT xmin::text) AS n FROM audit_events WHERE tenant_id = $1 AND seq > 1',
        [tenant.id],
      ),
    );
    expect(Number(transactions.rows[0].n)).toBeLessThan(30);
  });

  it('reports an edited row as a hash mismatch at exactly its seq, beyond the first page of verification', async () => {
    const tenant = await newTenant('tamper');
    await Promise.all(
      range(2400).map((i) =>
        audit.record({
          tenantId: tenant.id,
          action: 'detokenize',
          apiKeyId: null,
          roles: ['support'],
          details: { tokens: [{ token: `[US_SSN_${i}]`, type: 'US_SSN', outcome: 'masked' }] },
        }),
      ),
    );
    expect(await verify(tenant.admin)).toMatchObject({ intact: true, checked: 2401 });

    const rows = await withClient(db.url, (c) =>
      c.query<{ id: string }>(
        `UPDATE audit_events SET details = '{"tokens": [{"token": "[US_SSN_1]", "type": "US_SSN", "outcome": "revealed"}]}'
          WHERE tenant_id = $1 AND seq = 1777 RETURNING id`,
        [tenant.id],
      ),
    );
    expect(await verify(tenant.admin)).toEqual({
      intact: false,
      checked: 1776,
      legacyRows: 0,
      firstBreak: { seq: '1777', id: rows.rows[0].id, reason: 'hash_mismatch' },
    });
  });

  describe('against someone who can write the database but does not hold the master key', () => {
    type StoredRow = AuditRow;

    /** A tenant with its key-creation row and four detokenize rows, made over HTTP. */
    async function tenantWithReveals(label: string) {
      const tenant = await newTenant(label);
      const tokenized = await service.post<{ text: string }>(
        '/v1/tokenize',
        { text: `Write to ada.${randomBytes(3).toString('hex')}@example.org` },
        tenant.admin,
      );
      expect(tokenized.status).toBe(200);
      for (let i = 0; i < 4; i++) {
        const res = await service.post(
          '/v1/detokenize',
          { text: tokenized.body.text },
          tenant.admin,
        );
        expect(res.status).toBe(200);
      }
      expect(await chainSeqs(tenant.id)).toEqual(range(5));
      return tenant;
    }

    const rowsOf = (tenantId: string) =>
      withClient(
        db.url,
        async (c) =>
          (
            await c.query<StoredRow>(
              'SELECT * FROM audit_events WHERE tenant_id = $1 ORDER BY seq',
              [tenantId],
            )
          ).rows,
      );

    /**
     * What the unkeyed code allowed: edit rows, then recompute every hash from `fromSeq` to the
     * end with plain SHA-256, as the old linkHash did, so that every link matches again.
     */
    async function rewrite(
      tenantId: string,
      fromSeq: number,
      edit: (row: StoredRow) => void,
      options: { markUnkeyed?: boolean; toSeq?: number } = {},
    ): Promise<StoredRow[]> {
      const rows = await rowsOf(tenantId);
      const rewritten = rows.slice(fromSeq - 1, options.toSeq);
      let prevHash = fromSeq === 1 ? Buffer.alloc(32) : rows[fromSeq - 2].hash;
      for (const row of rewritten) {
        edit(row);
        row.prev_hash = prevHash;
        row.hash = legacyLinkHash({
          tenantId,
          seq: row.seq,
          occurredAt: row.occurred_at.toISOString(),
          action: row.action,
          apiKeyId: row.api_key_id,
          roles: row.roles,
          purpose: row.purpose,
          details: row.details,
          prevHash,
        });
        prevHash = row.hash;
        if (options.markUnkeyed) row.chain_version = 1;
      }
      await withClient(db.url, async (c) => {
        for (const row of rewritten) {
          await c.query(
            `UPDATE audit_events SET details = $2, prev_hash = $3, hash = $4, chain_version = $5
              WHERE id = $1`,
            [row.id, JSON.stringify(row.details), row.prev_hash, row.hash, row.chain_version],
          );
        }
      });
      return rows;
    }

    /** Hides a reveal: the row's tokens now say masked. */
    const hideReveal = (seq: string) => (row: StoredRow) => {
      if (row.seq !== seq) return;
      row.details = {
        ...row.details,
        tokens: row.details.tokens?.map((t) => ({ ...t, outcome: 'masked' as const })),
      };
    };

    it('an edited detokenize row re-chained with SHA-256 as the old code would breaks verify at that row', async () => {
      const tenant = await tenantWithReveals('rechain');
      const before = await rowsOf(tenant.id);
      expect(before[2].details.tokens?.[0].outcome).toBe('revealed');
      expect(before.map((r) => r.chain_version)).toEqual([2, 2, 2, 2, 2]);
      expect(await verify(tenant.admin)).toMatchObject({ intact: true, checked: 5, legacyRows: 0 });

      const rows = await rewrite(tenant.id, 3, hideReveal('3'));
      // The forgery is consistent as far as SHA-256 goes: every row links to the one before.
      for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toEqual(rows[i - 1].hash);
      expect(await verify(tenant.admin)).toEqual({
        intact: false,
        checked: 2,
        legacyRows: 0,
        firstBreak: { seq: '3', id: rows[2].id, reason: 'hash_mismatch' },
      });
    });

    it('claiming the re-chained rows predate the keyed chain (chain_version 1) breaks verify too', async () => {
      const tenant = await tenantWithReveals('downgrade');
      const rows = await rewrite(tenant.id, 3, hideReveal('3'), { markUnkeyed: true });
      expect(await verify(tenant.admin)).toEqual({
        intact: false,
        checked: 2,
        legacyRows: 0,
        firstBreak: { seq: '3', id: rows[2].id, reason: 'unkeyed_link' },
      });
      // And the vault will not chain new events after the forged rows: the reveal is refused.
      const tokenized = await service.post<{ text: string }>(
        '/v1/tokenize',
        { text: 'Write to grace@example.org' },
        tenant.admin,
      );
      const res = await service.post('/v1/detokenize', { text: tokenized.body.text }, tenant.admin);
      expect({ status: res.status, body: res.body }).toEqual({
        status: 500,
        body: { error: { code: 'internal', message: 'Internal error' } },
      });
      // The log line is written asynchronously: give it a moment to arrive.
      const expected = `tenant ${tenant.id} failed: UnkeyedChainHeadError`;
      for (let i = 0; i < 40 && !service.logs().includes(expected); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(service.logs()).toContain(expected);
      expect(await chainSeqs(tenant.id)).toEqual(range(5));
    });

    it('a whole chain rewritten as unkeyed rows verifies as unkeyed, not intact', async () => {
      const tenant = await tenantWithReveals('all-v1');
      const rows = await rewrite(tenant.id, 1, hideReveal('3'), { markUnkeyed: true });
      expect(await verify(tenant.admin)).toEqual({
        intact: false,
        checked: 0,
        legacyRows: 0,
        firstBreak: { seq: '1', id: rows[0].id, reason: 'unkeyed_link' },
      });
    });

    it('an exported head catches a truncated tail, which verify alone cannot see, and a regrown one', async () => {
      const tenant = await tenantWithReveals('truncate');
      const head = await exportHead(tenant.admin);
      const rows = await rowsOf(tenant.id);
      expect(head).toEqual({
        seq: '5',
        hash: rows[4].hash.toString('hex'),
        hmac: expect.stringMatching(/^[0-9a-f]{64}$/),
        time: expect.any(String),
      });
      expect(await verify(tenant.admin, service, head)).toEqual({
        intact: true,
        checked: 5,
        legacyRows: 0,
        head: { seq: '5', hash: head.hash },
        suppliedHead: { seq: '5', contained: true },
      });

      await withClient(db.url, (c) =>
        c.query('DELETE FROM audit_events WHERE tenant_id = $1 AND seq >= 4', [tenant.id]),
      );
      // Without the head, a chain cut short is a shorter intact chain.
      expect(await verify(tenant.admin)).toMatchObject({ intact: true, checked: 3 });
      expect(await verify(tenant.admin, service, head)).toEqual({
        intact: false,
        checked: 3,
        legacyRows: 0,
        firstBreak: { seq: '4', reason: 'truncated' },
      });

      // New events fill seqs 4 and 5 again, with other hashes: the head is still not in the chain.
      for (const i of range(2)) await createKeyAs(tenant.admin, `after-cut-${i}`, ['support']);
      const regrown = await rowsOf(tenant.id);
      expect(await verify(tenant.admin)).toMatchObject({ intact: true, checked: 5 });
      expect(await verify(tenant.admin, service, head)).toEqual({
        intact: false,
        checked: 4,
        legacyRows: 0,
        firstBreak: { seq: '5', id: regrown[4].id, reason: 'head_mismatch' },
      });
    });

    it('refuses a forged, altered, foreign or incomplete head with a 400 that names it', async () => {
      const tenant = await tenantWithReveals('forged');
      const other = await newTenant('forged-other');
      const head = await exportHead(tenant.admin);
      const foreign = await exportHead(other.admin);
      const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
      const rows = await rowsOf(tenant.id);
      const cases: [string, Record<string, string>, string][] = [
        ['a made-up hmac', { ...head, hmac: flip(head.hmac) }, 'hmac'],
        // A head that claims the chain was shorter, so that a cut would pass.
        [
          'an older seq and hash under the real hmac',
          { ...head, seq: '3', hash: rows[2].hash.toString('hex') },
          'hmac',
        ],
        ['another time', { ...head, time: '2020-01-01T00:00:00.000Z' }, 'hmac'],
        ['another tenant’s head', foreign, 'hmac'],
        [
          'a plain SHA-256 in place of the hmac',
          { ...head, hmac: rows[4].hash.toString('hex') },
          'hmac',
        ],
        ['no hmac', { seq: head.seq, hash: head.hash, time: head.time }, 'hmac'],
        ['only a seq', { seq: head.seq }, 'hash'],
        ['a hash that is not hex', { ...head, hash: 'z'.repeat(64) }, 'hash'],
        ['a negative seq', { ...head, seq: '-1' }, 'seq'],
        ['a time that is not a time', { ...head, time: 'yesterday' }, 'time'],
      ];
      for (const [label, query, named] of cases) {
        const res = await service.request<ErrorBody>(
          'GET',
          `/v1/audit/verify?${new URLSearchParams(query).toString()}`,
          { key: tenant.admin },
        );
        expect({ label, status: res.status, code: res.body.error?.code }).toEqual({
          label,
          status: 400,
          code: 'invalid_request',
        });
        expect(res.body.error.message).toContain(named);
      }
      // The genuine head still verifies.
      expect(await verify(tenant.admin, service, head)).toMatchObject({ intact: true });
    });

    it('upgrades a chain written by the unkeyed code: start-up seals it, and its rows are counted', async () => {
      const tenant = await newTenant('legacy');
      // The chain as the unkeyed code wrote it: four SHA-256 rows (chain_version 1).
      await withClient(db.url, async (c) => {
        await c.query('DELETE FROM audit_events WHERE tenant_id = $1', [tenant.id]);
        let prevHash: Buffer = Buffer.alloc(32);
        for (const seq of range(4)) {
          const link = {
            tenantId: tenant.id,
            seq: String(seq),
            occurredAt: new Date(Date.now() - 60_000 + seq).toISOString(),
            action: 'detokenize',
            apiKeyId: null,
            roles: ['support'],
            purpose: null,
            details: {
              tokens: [{ token: `[PERSON_${seq}]`, type: 'PERSON', outcome: 'revealed' as const }],
            },
            prevHash,
          };
          const hash = legacyLinkHash(link);
          await c.query(
            `INSERT INTO audit_events (tenant_id, seq, occurred_at, action, api_key_id, roles,
               purpose, details, prev_hash, hash, chain_version)
             VALUES ($1, $2, $3, $4, NULL, $5, NULL, $6, $7, $8, 1)`,
            [
              tenant.id,
              seq,
              link.occurredAt,
              link.action,
              link.roles,
              JSON.stringify(link.details),
              prevHash,
              hash,
            ],
          );
          prevHash = hash;
        }
      });
      // Nothing keyed follows them yet: anyone could have written these rows.
      expect(await verify(tenant.admin)).toMatchObject({
        intact: false,
        firstBreak: { seq: '1', reason: 'unkeyed_link' },
      });

      // A start of the service seals the chain before it takes requests.
      const restarted = await Service.start({ databaseUrl: db.url, masterKey });
      try {
        const seal = (await auditPage(tenant.admin, '?limit=1')).events[0];
        expect(seal).toMatchObject({
          seq: '5',
          action: 'audit.chain_keyed',
          apiKeyId: null,
          chainVersion: 2,
          details: { legacyRows: 4 },
        });
        expect(await verify(tenant.admin, restarted)).toMatchObject({
          intact: true,
          checked: 5,
          legacyRows: 4,
        });
        expect(restarted.logs()).toContain('Sealed the unkeyed audit chains of');
      } finally {
        await restarted.stop();
      }

      // Once sealed, the v1 rows are covered too: the keyed seal's HMAC covers the last v1 hash,
      // so v1 rows re-chained with SHA-256 no longer lead to it.
      const rows = await rewrite(tenant.id, 2, hideReveal('2'), { toSeq: 4 });
      expect(await verify(tenant.admin)).toEqual({
        intact: false,
        checked: 4,
        legacyRows: 4,
        firstBreak: { seq: '5', id: rows[4].id, reason: 'prev_hash_mismatch' },
      });
    });
  });

  it('migrates a database the unkeyed code wrote: its rows become v1, and the first start seals them', async () => {
    const old = await createDatabase('preaudit');
    // The service's compiled migrations, as it runs them at start-up.
    const ds = new DataSource({
      ...dataSourceOptions(old.url, { size: 2, idleSeconds: 0 }),
      migrations: [path.resolve(__dirname, '..', 'dist', 'migrations', '*.js')],
    } as DataSourceOptions);
    await ds.initialize();
    let tenantId: string;
    try {
      // The schema as it was before the keyed chain: undo migrations until that one is undone.
      await ds.runMigrations({ transaction: 'each' });
      const applied = async () =>
        ((await ds.query('SELECT name FROM schema_migrations')) as { name: string }[]).map(
          (m) => m.name,
        );
      while ((await applied()).includes('AuditChainKeyed1763900012500')) {
        await ds.undoLastMigration({ transaction: 'each' });
      }
      tenantId = (
        (await ds.query(`INSERT INTO tenants (name) VALUES ('legacy') RETURNING id`)) as {
          id: string;
        }[]
      )[0].id;
      // Three rows appended exactly as the unkeyed writer did: SHA-256 links, old audit_append.
      let prevHash: Buffer = Buffer.alloc(32);
      const rows = range(3).map((seq) => {
        const link = {
          tenantId,
          seq: String(seq),
          occurredAt: new Date(Date.now() - 60_000 + seq).toISOString(),
          action: 'forget',
          apiKeyId: null,
          roles: ['admin'],
          purpose: null,
          details: { deleted: seq },
          prevHash,
        };
        const hash = legacyLinkHash(link);
        const row = { ...link, prevHash: prevHash.toString('hex'), hash: hash.toString('hex') };
        prevHash = hash;
        return row;
      });
      expect(
        await ds.query('SELECT * FROM audit_append($1, 0, $2, $3::jsonb)', [
          tenantId,
          Buffer.alloc(32),
          JSON.stringify(rows),
        ]),
      ).toEqual([]);
    } finally {
      await ds.destroy();
    }

    const upgraded = await Service.start({ databaseUrl: old.url, masterKey: newMasterKey() });
    try {
      const versions = await withClient(old.url, (c) =>
        c.query<{ seq: string; chain_version: number; action: string }>(
          'SELECT seq, chain_version, action FROM audit_events WHERE tenant_id = $1 ORDER BY seq',
          [tenantId],
        ),
      );
      expect(versions.rows).toEqual([
        { seq: '1', chain_version: 1, action: 'forget' },
        { seq: '2', chain_version: 1, action: 'forget' },
        { seq: '3', chain_version: 1, action: 'forget' },
        { seq: '4', chain_version: 2, action: 'audit.chain_keyed' },
      ]);
      const admin = await createKey(upgraded, ['admin'], 'legacy');
      const res = await upgraded.request<VerifyBody>('GET', '/v1/audit/verify', { key: admin });
      expect(res.body).toMatchObject({ intact: true, checked: 5, legacyRows: 3 });
    } finally {
      await upgraded.stop();
    }
  });

  it('reports a deleted row as a seq gap at the row after it', async () => {
    const tenant = await newTenant('gap');
    for (const i of range(5)) await createKeyAs(tenant.admin, `k${i}`, ['support']);
    const next = await withClient(db.url, async (c) => {
      await c.query('DELETE FROM audit_events WHERE tenant_id = $1 AND seq = 4', [tenant.id]);
      return (
        await c.query<{ id: string }>(
          'SELECT id FROM audit_events WHERE tenant_id = $1 AND seq = 5',
          [tenant.id],
        )
      ).rows[0].id;
    });
    expect(await verify(tenant.admin)).toEqual({
      intact: false,
      checked: 3,
      legacyRows: 0,
      firstBreak: { seq: '5', id: next, reason: 'seq_gap', expectedSeq: '4' },
    });
  });

  it('keeps one intact chain when a second instance on the same database writes concurrently', async () => {
    const tenant = await newTenant('replicas');
    const second = await Service.start({ databaseUrl: db.url, masterKey });
    try {
      const create = (on: Service, i: number) =>
        on.request('POST', '/v1/admin/api-keys', {
          key: tenant.admin,
          body: { name: `r-${i}`, roles: ['support'] },
        });
      const results = await Promise.all(
        range(120).map((i) => create(i % 2 === 0 ? service : second, i)),
      );
      expect(results.filter((r) => r.status !== 201).map((r) => r.body)).toEqual([]);
      // A third writer, in this process, joins the same chain at the same time as a fourth batch.
      await Promise.all([
        ...range(40).map((i) => create(second, 1000 + i)),
        ...range(40).map(() =>
          audit.record({
            tenantId: tenant.id,
            action: 'detokenize',
            apiKeyId: null,
            roles: ['support'],
          }),
        ),
      ]);
      expect(await chainSeqs(tenant.id)).toEqual(range(201));
      expect(await verify(tenant.admin, second)).toMatchObject({ intact: true, checked: 201 });
    } finally {
      await second.stop();
    }
  });

  it('rejects a record it could not write, so the caller can refuse an unaudited reveal', async () => {
    const empty = await createDatabase('noaudit');
    const broken = new DataSource(dataSourceOptions(empty.url, { size: 2, idleSeconds: 0 }));
    await broken.initialize();
    const failures: string[] = [];
    const mac = new AuditMac(Buffer.from(masterKey, 'base64'));
    const unwritable = new AuditService(
      broken,
      new AuditWriter(broken, mac, (m) => failures.push(m)),
      mac,
    );
    try {
      const tenantId = (
        await withClient(db.url, (c) => c.query<{ id: string }>('SELECT id FROM tenants LIMIT 1'))
      ).rows[0].id;
      const attempts = range(5).map(() =>
        unwritable.record({ tenantId, action: 'detokenize', apiKeyId: null, roles: ['support'] }),
      );
      const settled = await Promise.allSettled(attempts);
      expect(settled.map((s) => s.status)).toEqual(range(5).map(() => 'rejected'));
      // One batch, one failure log line with a count, a tenant id and an error code: no data.
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatch(
        new RegExp(
          `^Audit write of 5 events for tenant ${tenantId} failed: QueryFailedError \\(42[0-9A-Z]{3}\\)$`,
        ),
      );
    } finally {
      await unwritable.close();
      await broken.destroy();
    }
  });

  it('keeps text PostgreSQL cannot store from breaking the chain', async () => {
    const tenant = await newTenant('unicode');
    await audit.record({
      tenantId: tenant.id,
      action: 'detokenize',
      apiKeyId: null,
      roles: ['support'],
      purpose: 'case \u0000 42 \uD83D',
      details: { tokens: [], note: 'naïve 😀 \uDC00' },
    });
    const page = await auditPage(tenant.admin, '?action=detokenize');
    expect(page.events[0].purpose).toBe('case \uFFFD 42 \uFFFD');
    expect(await verify(tenant.admin)).toMatchObject({ intact: true, checked: 2 });
  });

  it('keeps the default tenant chain, written to by the tests above, intact', async () => {
    expect((await verify(ADMIN_KEY)).intact).toBe(true);
  });
});
