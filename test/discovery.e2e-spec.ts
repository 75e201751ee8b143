import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDatabase, createKey, newMasterKey, Service, withClient } from './support/service';
import { AllowedHosts } from '../src/config/allowed-hosts';
import { TargetDatabase } from '../src/discovery/target-database';
import {
  closedPort,
  notPostgres,
  seedBusinessDatabase,
  tcpUrl,
} from './support/discovery-fixtures';

interface Finding {
  schema: string;
  table: string;
  column: string;
  dataType: string;
  classification: string | null;
  confidence: number;
  entities: { type: string; ratio: number; count: number }[];
  note?: string;
}
interface Scan {
  id: string;
  status: string;
  error: { reason: string; message: string } | null;
  progress: { tablesDone: number; tablesTotal: number | null; rowsScanned: number };
  columns: Finding[];
}

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '..', 'dist', 'src', 'cli', 'main.js');

/** Scans may reach the test server on 127.0.0.1 and nothing else. */
const DISCOVERY_ENV = {
  PII_VAULT_DISCOVERY_PAGE_ROWS: '500',
  PII_VAULT_DISCOVERY_ALLOWED_HOSTS: '127.0.0.1',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(
  service: Service,
  id: string,
  done: (scan: Scan) => boolean,
  timeoutMs = 60_000,
): Promise<Scan> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await service.request<Scan>('GET', `/v1/discovery/scans/${id}`);
    if (res.status !== 200) throw new Error(`GET scan: ${res.status} ${JSON.stringify(res.body)}`);
    if (done(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`scan still ${res.body.status}`);
    await sleep(200);
  }
}

const ended = (s: Scan) => ['completed', 'failed', 'cancelled'].includes(s.status);

async function startScan(service: Service, body: Record<string, unknown>): Promise<string> {
  const res = await service.post<{ id: string }>('/v1/discovery/scans', body);
  if (res.status !== 202) throw new Error(`start scan: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** PII columns of the seeded database and the type each must be classified as. */
const EXPECTED: Record<string, string> = {
  'customers.first_name': 'PERSON',
  'customers.last_name': 'PERSON',
  'customers.email': 'EMAIL_ADDRESS',
  'customers.phone': 'PHONE_NUMBER',
  'customers.ssn': 'US_SSN',
  'customers.date_of_birth': 'DATE_TIME',
  'customers.city': 'LOCATION',
  'customers.zip': 'ZIP_CODE',
  'customers.alt_emails': 'EMAIL_ADDRESS',
  'patients.full_name': 'PERSON',
  'patients.mrn': 'MEDICAL_RECORD_NUMBER',
  'patients.dob': 'DATE_TIME',
  'patients.admitted_at': 'DATE_TIME',
  'patients.notes': 'PERSON',
  'payments.card_number': 'CREDIT_CARD',
  'payments.cardholder': 'PERSON',
  'orders.shipping_address': 'STREET_ADDRESS',
  'orders.metadata': 'EMAIL_ADDRESS',
  'access_logs.client_ip': 'IP_ADDRESS',
  'access_logs.message': 'EMAIL_ADDRESS',
};

describe('discovery scans over HTTP on a real PostgreSQL', () => {
  let vaultDb: { url: string };
  let target: { url: string; name: string };
  let masterKey: string;
  let service: Service;

  beforeAll(async () => {
    vaultDb = await createDatabase('vault');
    // Through TCP: the test server's own URL may name its Unix socket, which scans refuse.
    const shop = await createDatabase('shop');
    target = { ...shop, url: tcpUrl(shop.url) };
    await withClient(target.url, (c) => seedBusinessDatabase(c));
    masterKey = newMasterKey();
    service = await Service.start({
      databaseUrl: vaultDb.url,
      masterKey,
      env: DISCOVERY_ENV,
    });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('flags every PII column with its type and no negative column, storing no value', async () => {
    const id = await startScan(service, { connection: { url: target.url } });
    const scan = await waitFor(service, id, ended);
    expect(scan.status).toBe('completed');
    expect(scan.progress.tablesDone).toBe(6);
    expect(scan.progress.tablesTotal).toBe(6);

    const got = Object.fromEntries(
      scan.columns.map((c) => [`${c.table}.${c.column}`, c.classification]),
    );
    const wrong = Object.entries(got).filter(
      ([column, type]) => (EXPECTED[column] ?? null) !== type,
    );
    expect(wrong).toEqual([]);

    const bytea = scan.columns.find((c) => c.column === 'photo');
    expect(bytea?.note).toMatch(/not scanned: bytea/);

    // Findings are counts: no value of the target may be in the scan's rows or the response.
    const sample = await withClient(target.url, (c) =>
      c.query<{ email: string; ssn: string }>('SELECT email, ssn FROM customers LIMIT 5'),
    );
    const body = JSON.stringify(scan);
    const dump = await withClient(vaultDb.url, async (c) => {
      const parts: string[] = [];
      for (const t of ['discovery_scans', 'discovery_scan_tables', 'discovery_scan_columns'])
        parts.push(JSON.stringify((await c.query(`SELECT * FROM ${t}`)).rows));
      return parts.join('\n');
    });
    for (const row of sample.rows) {
      expect(service.logs()).not.toContain(row.email);
      expect(body).not.toContain(row.email);
      expect(dump).not.toContain(row.email);
      expect(dump).not.toContain(row.ssn);
    }
    // The target's password is stored encrypted only.
    const password = new URL(target.url).password;
    expect(dump).not.toContain(password);
    expect(body).not.toContain(password);
  });

  it('serves the findings as CSV', async () => {
    const id = await startScan(service, { connection: { url: target.url }, tables: ['customers'] });
    await waitFor(service, id, ended);
    const res = await service.request<string>('GET', `/v1/discovery/scans/${id}/report.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'schema,table,column,data_type,classification,confidence,free_text,values_scanned,entities,note',
    );
    expect(lines.find((l) => l.startsWith('public,customers,email,'))).toMatch(/,EMAIL_ADDRESS,/);
    expect(lines).toHaveLength(1 + 13);
  });

  it('scans through a saved connection whose URL is never returned', async () => {
    const saved = await service.post('/v1/discovery/connections', {
      name: 'shop',
      url: target.url,
    });
    expect(saved.status).toBe(201);
    expect(JSON.stringify(saved.body)).not.toContain(new URL(target.url).password);
    const list = await service.request<{ name: string; target: string }[]>(
      'GET',
      '/v1/discovery/connections',
    );
    expect(list.body.map((c) => c.name)).toContain('shop');
    expect(JSON.stringify(list.body)).not.toContain(new URL(target.url).password);
    const dup = await service.post('/v1/discovery/connections', { name: 'shop', url: target.url });
    expect(dup.status).toBe(409);

    const id = await startScan(service, { connection: { name: 'shop' }, tables: ['payments'] });
    const scan = await waitFor(service, id, ended);
    expect(scan.status).toBe('completed');
    expect(scan.columns.find((c) => c.column === 'card_number')?.classification).toBe(
      'CREDIT_CARD',
    );
    const missing = await service.post('/v1/discovery/scans', { connection: { name: 'nope' } });
    expect(missing.status).toBe(404);
  });

  it('full mode reads every row and survives a service restart mid-way', async () => {
    await withClient(target.url, async (c) => {
      await c.query(`CREATE TABLE signups AS
        SELECT i AS id, 'user' || i || '@example.com' AS email, 'Plan ' || (i % 7) AS plan
          FROM generate_series(1, 150000) AS i`);
      await c.query('ANALYZE signups');
    });
    const id = await startScan(service, {
      connection: { url: target.url },
      tables: ['signups'],
      mode: 'full',
    });
    const midway = await waitFor(service, id, (s) => s.progress.rowsScanned > 0 || ended(s));
    expect(midway.status).toBe('running');
    await service.stop();
    service = await Service.start({
      databaseUrl: vaultDb.url,
      masterKey,
      env: DISCOVERY_ENV,
    });
    const resumed = await service.request<Scan>('GET', `/v1/discovery/scans/${id}`);
    // Progress committed before the restart is kept, not started over.
    expect(resumed.body.progress.rowsScanned).toBeGreaterThanOrEqual(midway.progress.rowsScanned);
    const scan = await waitFor(service, id, ended, 120_000);
    expect(scan.status).toBe('completed');
    // Every row exactly once: pages committed with their cursor are never counted twice.
    expect(scan.progress.rowsScanned).toBe(150000);
    const email = scan.columns.find((c) => c.column === 'email');
    expect(email?.classification).toBe('EMAIL_ADDRESS');
    expect(email?.entities.find((e) => e.type === 'EMAIL_ADDRESS')?.count).toBe(150000);
    expect(scan.columns.find((c) => c.column === 'plan')?.classification).toBeNull();
  }, 180_000);

  it('sample mode reads sampleRows spread over a large table with TABLESAMPLE', async () => {
    const id = await startScan(service, {
      connection: { url: target.url },
      tables: ['signups'],
      sampleRows: 1000,
    });
    const scan = await waitFor(service, id, ended);
    expect(scan.status).toBe('completed');
    expect(scan.progress.rowsScanned).toBe(1000);
    expect(scan.columns.find((c) => c.column === 'email')?.classification).toBe('EMAIL_ADDRESS');
  });

  it('cancel stops a running scan', async () => {
    const id = await startScan(service, {
      connection: { url: target.url },
      tables: ['signups'],
      mode: 'full',
    });
    await waitFor(service, id, (s) => s.status === 'running' || ended(s));
    const res = await service.post<Scan>(`/v1/discovery/scans/${id}/cancel`, {});
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    const rows = res.body.progress.rowsScanned;
    await sleep(2500);
    const later = await service.request<Scan>('GET', `/v1/discovery/scans/${id}`);
    expect(later.body.status).toBe('cancelled');
    // At most the page in flight when cancel came may still land; it is refused.
    expect(later.body.progress.rowsScanned).toBe(rows);
    expect(later.body.progress.rowsScanned).toBeLessThan(150000);
    const again = await service.post(`/v1/discovery/scans/${id}/cancel`, {});
    expect(again.status).toBe(409);
  });

  it('runs no more scans at once than PII_VAULT_DISCOVERY_CONCURRENCY allows', async () => {
    const single = await Service.start({
      databaseUrl: (await createDatabase('vault')).url,
      masterKey: newMasterKey(),
      env: { ...DISCOVERY_ENV, PII_VAULT_DISCOVERY_CONCURRENCY: '1' },
    });
    try {
      const body = { connection: { url: target.url }, tables: ['signups'], mode: 'full' };
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        const res = await single.post<{ id: string }>('/v1/discovery/scans', body);
        ids.push(res.body.id);
      }
      const first = await waitFor(single, ids[0], (s) => s.progress.rowsScanned > 0 || ended(s));
      expect(first.status).toBe('running');
      const second = await single.request<Scan>('GET', `/v1/discovery/scans/${ids[1]}`);
      expect(second.body.status).toBe('queued');
      for (const id of ids) await single.post(`/v1/discovery/scans/${id}/cancel`, {});
    } finally {
      await single.stop();
    }
  });

  describe('a target that cannot be read ends the scan as failed, with a reason and no password', () => {
    const secret = 'S3cret-pass-never-shown';
    const cases: [string, () => string, string, RegExp][] = [
      [
        'an unknown host (not on the allow-list)',
        () => `postgres://scanner:${secret}@no-such-host.invalid:5432/shop`,
        'target_not_allowed',
        /not on the discovery allow-list/,
      ],
      [
        'a closed port',
        () => `postgres://scanner:${secret}@127.0.0.1:1/shop`,
        'unreachable',
        /127\.0\.0\.1:1\/shop is unreachable/,
      ],
      [
        'a wrong password',
        () => {
          const u = new URL(target.url);
          u.password = secret;
          return u.toString();
        },
        'authentication_failed',
        /user name or password/,
      ],
      [
        'a user without SELECT rights',
        () => {
          const u = new URL(target.url);
          u.username = 'scanner_without_grants';
          u.password = secret;
          return u.toString();
        },
        'permission_denied',
        /may not SELECT/,
      ],
    ];

    beforeAll(async () => {
      await withClient(target.url, (c) =>
        c.query(`CREATE ROLE scanner_without_grants LOGIN PASSWORD '${secret}'`),
      );
    });

    it.each(cases)('%s', async (_name, url, reason, message) => {
      const id = await startScan(service, { connection: { url: url() } });
      const scan = await waitFor(service, id, ended);
      expect(scan.status).toBe('failed');
      expect(scan.error?.reason).toBe(reason);
      expect(scan.error?.message).toMatch(message);
      expect(JSON.stringify(scan)).not.toContain(secret);
      expect(service.logs()).not.toContain(secret);
    });
  });

  it('needs nothing but SELECT: a read-only role scans, and the scan is audited without secrets', async () => {
    await withClient(target.url, async (c) => {
      await c.query(`CREATE ROLE scanner_readonly LOGIN PASSWORD 'ro-pass-4711'`);
      await c.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO scanner_readonly`);
    });
    const u = new URL(target.url);
    u.username = 'scanner_readonly';
    u.password = 'ro-pass-4711';
    const id = await startScan(service, {
      connection: { url: u.toString() },
      tables: ['customers'],
    });
    const scan = await waitFor(service, id, ended);
    expect(scan.status).toBe('completed');
    expect(scan.columns.find((c) => c.column === 'ssn')?.classification).toBe('US_SSN');

    const audit = await service.request<{
      events: { action: string; details: Record<string, unknown> }[];
    }>('GET', '/v1/audit?action=discovery.scan');
    const event = audit.body.events.find((e) => e.details.scanId === id);
    expect(event?.details.target).toBe(`${u.hostname}:${u.port}${u.pathname}`);
    expect(JSON.stringify(audit.body)).not.toContain('ro-pass-4711');
    expect(JSON.stringify(audit.body)).not.toContain(new URL(target.url).password);

    const list = await service.request<Scan[]>('GET', '/v1/discovery/scans?limit=3');
    expect(list.status).toBe(200);
    expect(list.body[0].id).toBe(id);
  });

  it('the scan list takes limit as a number and refuses a bad one with a 400 naming it', async () => {
    const one = await service.request<Scan[]>('GET', '/v1/discovery/scans?limit=1');
    expect(one.status).toBe(200);
    expect(one.body).toHaveLength(1);
    expect((await service.request('GET', '/v1/discovery/scans')).status).toBe(200);
    for (const bad of ['abc', '0', '501', '1.5', '']) {
      const res = await service.request<{ error: { code: string; message: string } }>(
        'GET',
        `/v1/discovery/scans?limit=${bad}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.message).toContain('limit');
    }
  });

  it('the command line scans with the same engine and prints the PII columns', async () => {
    const { stdout } = await run(
      process.execPath,
      [CLI, 'scan', target.url, '--tables', 'customers,products'],
      {
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    expect(stdout).toMatch(/public\.customers\.email'?\s.*EMAIL_ADDRESS/);
    expect(stdout).toMatch(/public\.customers\.ssn'?\s.*US_SSN/);
    expect(stdout).not.toMatch(/public\.products\./);
    expect(stdout).toMatch(/9 of 20 columns hold PII/);
    expect(stdout).not.toContain(new URL(target.url).password);
  });

  it('documents the discovery routes and their response shapes in OpenAPI', async () => {
    const spec = await service.request<{
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    }>('GET', '/docs-json', { key: null });
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/discovery/scans',
        '/v1/discovery/scans/{id}',
        '/v1/discovery/scans/{id}/cancel',
        '/v1/discovery/scans/{id}/report.csv',
        '/v1/discovery/connections',
      ]),
    );
    expect(Object.keys(spec.body.components.schemas.ScanViewDto.properties ?? {})).toEqual(
      expect.arrayContaining(['status', 'progress', 'columns']),
    );
  });

  it('refuses bad requests with 400 naming the field, and non-admins with 403', async () => {
    const bad: [unknown, RegExp][] = [
      [{}, /connection/],
      [{ connection: 'x' }, /connection/],
      [{ connection: { url: 42 } }, /connection.url/],
      [{ connection: { url: 'mysql://scanner@localhost/db' } }, /connection.url: .*postgres:\/\//],
      [{ connection: { url: target.url }, mode: 'everything' }, /mode/],
      [{ connection: { url: target.url }, sampleRows: 0 }, /sampleRows/],
      [{ connection: { url: target.url }, thresholds: { minRatio: 2 } }, /thresholds.minRatio/],
      [{ connection: { url: target.url }, tables: 'customers' }, /tables/],
    ];
    for (const [body, field] of bad) {
      const res = await service.post<{ error: { message: string } }>('/v1/discovery/scans', body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(field);
    }
    const unknown = await service.request(
      'GET',
      '/v1/discovery/scans/00000000-0000-4000-8000-000000000000',
    );
    expect(unknown.status).toBe(404);
    const support = await createKey(service, ['support']);
    const denied = await service.post(
      '/v1/discovery/scans',
      { connection: { url: target.url } },
      support,
    );
    expect(denied.status).toBe(403);
  });
  describe('attacks through the connection URL fail for the attacker', () => {
    /** Polls /health/live every 10 ms while `work` runs; returns each answer's time in ms. */
    async function livenessDuring(work: () => Promise<void>): Promise<number[]> {
      // The first request to a fresh process pays for its connection and cold code paths.
      await (await fetch(`${service.baseUrl}/health/live`)).text();
      const times: number[] = [];
      let running = true;
      const probe = (async () => {
        while (running) {
          const started = performance.now();
          const res = await fetch(`${service.baseUrl}/health/live`);
          await res.text();
          if (res.status !== 200) throw new Error(`/health/live answered ${res.status}`);
          times.push(performance.now() - started);
          await sleep(10);
        }
      })();
      try {
        await work();
      } finally {
        running = false;
        await probe;
      }
      return times;
    }

    const scanCount = async () =>
      withClient(vaultDb.url, async (c) =>
        Number((await c.query('SELECT count(*) AS n FROM discovery_scans')).rows[0].n),
      );

    it('parameters that would steer the driver, and socket paths, are refused with 400 at creation', async () => {
      const password = new URL(target.url).password;
      const attacks: [string, string, RegExp][] = [
        [
          '?host= names another server than the report would',
          `postgres://postgres:${password}@db.example.com:5432/shop?host=127.0.0.1`,
          /may not set the parameter host /,
        ],
        ['?sslrootcert=/dev/zero', `${target.url}?sslrootcert=/dev/zero`, /parameter sslrootcert /],
        ['?sslkey= reads a file', `${target.url}?sslkey=/proc/self/environ`, /parameter sslkey /],
        [
          '?options= changes session settings',
          `${target.url}?options=-c%20default_transaction_read_only%3Doff`,
          /parameter options /,
        ],
        [
          '?statement_timeout= lifts the timeout',
          `${target.url}?statement_timeout=0`,
          /parameter statement_timeout /,
        ],
        [
          'a percent-encoded socket directory as host',
          'postgres://postgres@%2Fvar%2Frun%2Fpostgresql/shop',
          /DNS name or an IP address/,
        ],
        ['?host=/tmp', 'postgres://postgres@localhost/shop?host=/tmp', /parameter host /],
      ];
      const before = await scanCount();
      const times = await livenessDuring(async () => {
        for (const [name, url, message] of attacks) {
          for (const [route, body, field] of [
            ['/v1/discovery/scans', { connection: { url } }, 'connection.url'],
            ['/v1/discovery/connections', { name: 'attack', url }, 'url'],
          ] as const) {
            const res = await service.post<{ error: { code: string; message: string } }>(
              route,
              body,
            );
            expect([name, route, res.status]).toEqual([name, route, 400]);
            expect(res.body.error.code).toBe('invalid_request');
            expect(res.body.error.message).toMatch(new RegExp(`^${field}: .*${message.source}`));
            expect(JSON.stringify(res.body)).not.toContain(password);
          }
        }
      });
      // Nothing was queued or saved for any of them.
      expect(await scanCount()).toBe(before);
      const saved = await service.request<{ name: string }[]>('GET', '/v1/discovery/connections');
      expect(saved.body.map((c) => c.name)).not.toContain('attack');
      expect(times.length).toBeGreaterThan(0);
      expect(Math.max(...times)).toBeLessThan(100);
    });

    it('a host outside the allow-list is refused, once, with the service answering throughout', async () => {
      const password = new URL(target.url).password;
      const port = new URL(target.url).port;
      const outside = [
        // Loopback, and the vault's own server listens there too, but only 127.0.0.1 is listed.
        `postgres://postgres:${password}@127.0.0.2:${port}/shop`,
        `postgres://postgres:${password}@[::1]:${port}/shop`,
        `postgres://postgres:${password}@10.255.255.1:5432/shop`,
        `postgres://postgres:${password}@internal-db.invalid:5432/shop`,
      ];
      const ids: string[] = [];
      const scans: Scan[] = [];
      const times = await livenessDuring(async () => {
        for (const url of outside) ids.push(await startScan(service, { connection: { url } }));
        for (const id of ids) scans.push(await waitFor(service, id, ended));
      });
      for (const scan of scans) {
        expect(scan.status).toBe('failed');
        expect(scan.error?.reason).toBe('target_not_allowed');
        expect(scan.error?.message).toMatch(/PII_VAULT_DISCOVERY_ALLOWED_HOSTS/);
        expect(scan.progress.tablesTotal).toBeNull();
      }
      expect(Math.max(...times)).toBeLessThan(100);
      // A refusal ends the job: pg-boss completes it and never retries it.
      const jobs = await withClient(vaultDb.url, (c) =>
        c.query<{ state: string; retry_count: number }>(
          `SELECT state, retry_count FROM pgboss.job WHERE data->>'scanId' = ANY($1)`,
          [ids],
        ),
      );
      expect(jobs.rows).toHaveLength(ids.length);
      for (const job of jobs.rows) expect(job).toEqual({ state: 'completed', retry_count: 0 });
    });

    it("with PII_VAULT_DISCOVERY_ALLOWED_HOSTS unset, every target is refused, the vault's own server too", async () => {
      const vaultUrl = tcpUrl(vaultDb.url);
      const closed = await Service.start({
        databaseUrl: (await createDatabase('vault')).url,
        masterKey: newMasterKey(),
      });
      try {
        for (const url of [target.url, vaultUrl]) {
          const scan = await waitFor(
            closed,
            await startScan(closed, { connection: { url } }),
            ended,
          );
          expect(scan.status).toBe('failed');
          expect(scan.error?.reason).toBe('target_not_allowed');
        }
      } finally {
        await closed.stop();
      }
    });

    it('a malformed allow-list stops the service at start-up, naming the variable', async () => {
      const { code, output } = await Service.startFailing({
        databaseUrl: vaultDb.url,
        masterKey,
        env: { PII_VAULT_DISCOVERY_ALLOWED_HOSTS: '127.0.0.1, 10.0.0.0/33' },
      });
      expect(code).not.toBe(0);
      expect(output).toMatch(
        /PII_VAULT_DISCOVERY_ALLOWED_HOSTS: "10\.0\.0\.0\/33" has no valid prefix/,
      );
    });

    it('a closed port and a listener that is not PostgreSQL read the same: unreachable', async () => {
      const closed = await closedPort();
      const http = await notPostgres('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
      const ssh = await notPostgres('SSH-2.0-OpenSSH_9.6\r\n');
      try {
        const errors: { reason: string; message: string }[] = [];
        for (const port of [closed, http.port, ssh.port]) {
          const id = await startScan(service, {
            connection: { url: `postgres://scanner:pw@127.0.0.1:${port}/shop` },
          });
          const scan = await waitFor(service, id, ended);
          expect(scan.status).toBe('failed');
          errors.push({
            reason: scan.error?.reason ?? '',
            message: (scan.error?.message ?? '').replace(String(port), 'PORT'),
          });
        }
        expect(errors).toEqual(
          Array(3).fill({ reason: 'unreachable', message: '127.0.0.1:PORT/shop is unreachable' }),
        );
      } finally {
        await http.close();
        await ssh.close();
      }
    });
  });

  describe('what one page may load is capped', () => {
    beforeAll(async () => {
      await withClient(target.url, async (c) => {
        // About 1 KB per row, stored inline: some seven rows per heap page.
        await c.query(`CREATE TABLE letters AS
          SELECT 'L' || i AS id, repeat('x', 1000) || ' write to mail' || i || '@example.com' AS body
            FROM generate_series(1, 3000) AS i`);
        await c.query('ANALYZE letters');
        await c.query(`CREATE TABLE huge AS SELECT repeat('a', 5000000) AS body`);
        await c.query('ANALYZE huge');
      });
    });

    it('a page stops at the byte cap and the next page starts where it stopped', async () => {
      const db = await TargetDatabase.open(target.url, {
        statementTimeoutMs: 30_000,
        connectTimeoutMs: 10_000,
        allowedHosts: AllowedHosts.parse('127.0.0.1'),
      });
      try {
        const [letters] = await db.tables(undefined, ['letters']);
        const total = await db.blocks(letters);
        const cap = 64 * 1024;
        const first = await db.pageRange(letters, letters.columns, 0, total, cap);
        // Values that begin within the cap, whole heap pages only: cap plus under one page.
        const bytes = (rows: unknown[][]) =>
          rows.reduce<number>((sum, r) => sum + Buffer.byteLength(String(r[1])), 0);
        expect(bytes(first.rows)).toBeLessThan(cap + 8192);
        expect(bytes(first.rows)).toBeGreaterThan(cap - 8192);
        expect(first.toBlock).toBeLessThan(total);
        const ids = new Set(first.rows.map((r) => String(r[0])));
        for (let at = first.toBlock; at < total;) {
          const page = await db.pageRange(letters, letters.columns, at, total, cap);
          expect(bytes(page.rows)).toBeLessThan(cap + 8192);
          for (const r of page.rows) ids.add(String(r[0]));
          at = page.toBlock;
        }
        // Every row once, none lost where a page was cut.
        expect(ids.size).toBe(3000);

        const sample = await db.sample(letters, letters.columns, 3000, cap);
        expect(bytes(sample)).toBeLessThan(cap + 2048);

        // One value larger than a page may be is read as its start only.
        const [huge] = await db.tables(undefined, ['huge']);
        const big = await db.pageRange(huge, huge.columns, 0, await db.blocks(huge), cap);
        expect(big.rows).toHaveLength(1);
        expect(String(big.rows[0][0])).toBe('a'.repeat(20_000));
      } finally {
        await db.close();
      }
    });

    it('a full scan under a small PII_VAULT_DISCOVERY_PAGE_MAX_BYTES still reads every row', async () => {
      const capped = await Service.start({
        databaseUrl: (await createDatabase('vault')).url,
        masterKey: newMasterKey(),
        env: {
          ...DISCOVERY_ENV,
          PII_VAULT_DISCOVERY_PAGE_ROWS: '100000',
          PII_VAULT_DISCOVERY_PAGE_MAX_BYTES: '65536',
        },
      });
      try {
        const id = await startScan(capped, {
          connection: { url: target.url },
          tables: ['letters'],
          mode: 'full',
        });
        const scan = await waitFor(capped, id, ended);
        expect(scan.status).toBe('completed');
        expect(scan.progress.rowsScanned).toBe(3000);
        const body = scan.columns.find((c) => c.column === 'body');
        expect(body?.entities.find((e) => e.type === 'EMAIL_ADDRESS')?.count).toBe(3000);
      } finally {
        await capped.stop();
      }
    });
  });
});
