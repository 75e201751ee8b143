/**
 * Discovery bench: a full-mode scan, through the real service and its job queue, of a generated
 * table of 1 million rows × 8 columns (names, unique emails, phones and SSNs, cities, statuses,
 * timestamps) on an embedded PostgreSQL. Prints rows/s and values/s. BENCH_DISCOVERY_ROWS
 * changes the row count; `BENCH_ONLY=discovery npm run bench` runs it alone.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { type BenchService, startService, stopService } from './lib/service';

const ADMIN_KEY = `bench-discovery-admin-${randomBytes(8).toString('hex')}`;
const COLUMNS = 8;

const FIRST = [
  'James',
  'Mary',
  'Robert',
  'Patricia',
  'John',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'William',
  'Barbara',
  'Richard',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Sarah',
  'Carlos',
  'Maria',
  'Wei',
  'Aisha',
  'Dmitri',
  'Priya',
  'Kenji',
  'Fatima',
  'Liam',
  'Emma',
];
const LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Nguyen',
  'Patel',
  'Kim',
  'Chen',
  'Okafor',
];
const CITIES = [
  'Boston',
  'Chicago',
  'Houston',
  'Phoenix',
  'Seattle',
  'Denver',
  'Atlanta',
  'Portland',
  'Austin',
  'Miami',
  'Detroit',
  'Nashville',
  'Baltimore',
  'Milwaukee',
  'Memphis',
];

const sqlArray = (values: string[]) => `ARRAY[${values.map((v) => `'${v}'`).join(',')}]`;

async function seed(url: string, rows: number): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`
      CREATE TABLE customers AS
      SELECT (${sqlArray(FIRST)})[1 + (i * 7919) % ${FIRST.length}] AS first_name,
             (${sqlArray(LAST)})[1 + (i * 104729) % ${LAST.length}] AS last_name,
             'customer' || i || '@example.com' AS email,
             format('(%s) %s-%s', 201 + i % 700, 200 + (i / 700) % 700,
                    lpad((i % 10000)::text, 4, '0')) AS phone,
             format('%s-%s-%s', lpad((1 + i % 665)::text, 3, '0'), lpad((1 + (i / 665) % 99)::text, 2, '0'),
                    lpad((1 + i % 9999)::text, 4, '0')) AS ssn,
             (${sqlArray(CITIES)})[1 + i % ${CITIES.length}] AS city,
             (ARRAY['active', 'pending', 'closed', 'suspended'])[1 + i % 4] AS status,
             timestamptz '2026-01-01' + (i || ' seconds')::interval AS created_at
        FROM generate_series(1::bigint, ${rows}) AS i`);
    await client.query('ANALYZE customers');
  } finally {
    await client.end();
  }
}

async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function api<T>(base: string, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface ScanBody {
  status: string;
  progress: { rowsScanned: number };
  columns: { column: string; classification: string | null }[];
}

async function timedScan(
  base: string,
  targetUrl: string,
  mode: 'full' | 'sample',
): Promise<{ scan: ScanBody; seconds: number }> {
  const started = Date.now();
  const { id } = await api<{ id: string }>(base, 'POST', '/v1/discovery/scans', {
    connection: { url: targetUrl },
    mode,
  });
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const scan = await api<ScanBody>(base, 'GET', `/v1/discovery/scans/${id}`);
    if (scan.status === 'completed') return { scan, seconds: (Date.now() - started) / 1000 };
    if (scan.status !== 'queued' && scan.status !== 'running')
      throw new Error(`scan ended ${scan.status}`);
  }
}

export async function runDiscoveryBench(): Promise<void> {
  const rows = Number(process.env.BENCH_DISCOVERY_ROWS ?? 1_000_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pii-vault-bench-discovery-'));
  fs.chmodSync(dataDir, 0o711);
  const pg = await startEmbeddedPostgres(path.join(dataDir, 'pg'));
  let service: BenchService | undefined;
  try {
    const vaultUrl = await createDatabase(pg.superuserUrl, 'vault');
    // Scans reach targets over TCP only, on hosts the allow-list names (the server listens on
    // 127.0.0.1 as well as on its Unix socket).
    const target = new URL(await createDatabase(pg.superuserUrl, 'target'));
    target.hostname = '127.0.0.1';
    target.searchParams.delete('host');
    const targetUrl = target.toString();
    const started = Date.now();
    await seed(targetUrl, rows);
    console.log(
      `\nDiscovery: seeded ${rows} rows × ${COLUMNS} columns in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    service = await startService({
      DATABASE_URL: vaultUrl,
      PII_VAULT_MASTER_KEY: randomBytes(32).toString('base64'),
      PII_VAULT_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      LOG_LEVEL: 'warn',
      PII_VAULT_DISCOVERY_ALLOWED_HOSTS: '127.0.0.1',
    });
    const base = service.url;

    for (const mode of ['full', 'sample'] as const) {
      const { scan, seconds } = await timedScan(base, targetUrl, mode);
      const scanned = scan.progress.rowsScanned;
      const flagged = scan.columns
        .filter((c) => c.classification)
        .map((c) => `${c.column}=${c.classification}`);
      console.log(`${mode} scan via the service: ${scanned} rows in ${seconds.toFixed(1)} s`);
      if (mode === 'full')
        console.log(
          `  ${Math.round(scanned / seconds)} rows/s, ${Math.round((scanned * COLUMNS) / seconds)} values/s (target ≥ 50,000 values/s)`,
        );
      else console.log('  end to end: job pickup (1 s polling) and TABLESAMPLE of 1,000 rows');
      console.log(`  flagged: ${flagged.join(', ')}`);
    }
  } finally {
    if (service) await stopService(service);
    await pg.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
