/**
 * Two database-side causes of the half-load tails, each shown before and after its fix on a fresh
 * embedded cluster, with statements sent open-loop (evenly spaced, latency from the due time):
 *   pool  single-row INSERTs at 650/s after 30 s of closed-loop INSERTs at 16 connections, through
 *         a pg Pool that closes connections idle for 10 s (pg-pool's default) and one that keeps
 *         them (the service's PII_VAULT_DB_IDLE_TIMEOUT_SECONDS=0);
 *   gin   audit-like rows (six tokens in a jsonb) at 650/s into a table with a GIN
 *         jsonb_path_ops index, with GIN's pending list (fastupdate on, the default) and without.
 * Run: `npm run build && node dist/bench/db-pauses.js [pool|gin] [seconds]`. Prints p50, p99 and
 * max in ms, and the seconds in which a statement took over 40 ms.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';

const RATE = 650;
const CONNECTIONS = 16;

/** Calls `run` RATE times a second, evenly spaced; [due second, ms from due time to settled]. */
async function openLoop(run: () => Promise<unknown>, seconds: number): Promise<[number, number][]> {
  const start = performance.now();
  const samples: [number, number][] = [];
  const pending: Promise<void>[] = [];
  for (let i = 0; i < RATE * seconds; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      run().then(() => void samples.push([(due - start) / 1000, performance.now() - due])),
    );
  }
  await Promise.all(pending);
  return samples;
}

function report(label: string, samples: [number, number][]): void {
  const sorted = samples.map(([, ms]) => ms).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))].toFixed(1);
  const slow = [...new Set(samples.filter(([, ms]) => ms > 40).map(([s]) => Math.floor(s)))];
  console.log(
    `${label}: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms; over 40 ms in seconds [${slow.join(', ')}]`,
  );
}

async function poolCase(url: string, idleTimeoutMillis: number, seconds: number): Promise<void> {
  const pool = new Pool({ connectionString: url, max: CONNECTIONS, idleTimeoutMillis });
  const table = `pool_${idleTimeoutMillis}`;
  await pool.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, tenant_id uuid, v bytea)`);
  const insert = () =>
    pool.query(`INSERT INTO ${table} (tenant_id, v) VALUES ($1, $2)`, [
      '00000000-0000-4000-8000-000000000001',
      randomBytes(64),
    ]);
  const end = performance.now() + 30_000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) await insert();
    }),
  );
  report(`pool, idleTimeoutMillis ${idleTimeoutMillis}`, await openLoop(insert, seconds));
  await pool.end();
}

async function ginCase(url: string, fastupdate: boolean, seconds: number): Promise<void> {
  const pool = new Pool({ connectionString: url, max: CONNECTIONS, idleTimeoutMillis: 0 });
  const table = `gin_${fastupdate ? 'on' : 'off'}`;
  await pool.query(
    `CREATE TABLE ${table} (id bigserial PRIMARY KEY, details jsonb) WITH (autovacuum_enabled = off)`,
  );
  await pool.query(
    `CREATE INDEX ON ${table} USING gin (details jsonb_path_ops) WITH (fastupdate = ${fastupdate ? 'on' : 'off'})`,
  );
  const token = () => `[EMAIL_ADDRESS_${randomBytes(4).toString('hex').toUpperCase()}]`;
  const insert = () =>
    pool.query(`INSERT INTO ${table} (details) VALUES ($1)`, [
      JSON.stringify({ tokens: Array.from({ length: 6 }, token), route: 'detokenize' }),
    ]);
  await Promise.all(Array.from({ length: CONNECTIONS }, insert));
  report(`gin, fastupdate ${fastupdate ? 'on' : 'off'}`, await openLoop(insert, seconds));
  await pool.end();
}

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'both';
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pii-vault-db-pauses-'));
  const db = await startEmbeddedPostgres(path.join(dataDir, 'db'));
  try {
    if (which === 'pool' || which === 'both') {
      const seconds = Number(process.argv[3] ?? 15);
      for (const idle of [10_000, 0]) await poolCase(db.superuserUrl, idle, seconds);
    }
    if (which === 'gin' || which === 'both') {
      const seconds = Number(process.argv[3] ?? 40);
      for (const fastupdate of [true, false]) await ginCase(db.superuserUrl, fastupdate, seconds);
    }
  } finally {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
