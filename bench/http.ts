/**
 * HTTP throughput of the running service, measured with autocannon on this machine:
 * tokenize and detokenize of a ~1 KB prompt with 6 values (3 new per request), next to three
 * ceilings measured in the same run by a bare Fastify + pg process (bench/ceiling-server.ts): a
 * no-op, one durable INSERT, and the product's detection engine plus one INSERT. Tokenize is
 * compared with detection + INSERT (it must detect), detokenize with the INSERT (issue 14).
 *
 * Issue 4: detokenize audited within 20% of audit off; issue 7: tokenize and detokenize with
 * logging, metrics and limits within 10% of them off. The "off" rows are variant processes
 * (bench/service-variant.ts): the service has no switch for them.
 * Run: npm run bench   (BENCH_DURATION=seconds per row, BENCH_SLICES, BENCH_CONNECTIONS,
 * DATABASE_URL optional; BENCH_OPEN_LOOP=tokenize:R,detokenize:R runs only the open-loop rows)
 */
import { openLoop } from './lib/open-loop';
import { histogramTotals, labelValue, meanMsBetween } from './lib/phase-split';
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { luhnValid } from '../src/detection/validators/luhn';
import { CEILING_TABLE, CREATE_CEILING_TABLE } from './ceiling-server';
import {
  type BenchService,
  CEILING_SERVER,
  SERVICE_MAIN,
  SERVICE_VARIANT,
  startService,
  stopService,
} from './lib/service';
import type { Variant } from './service-variant';

const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;
const MASTER_KEY = randomBytes(32).toString('base64');
const DURATION = Number(process.env.BENCH_DURATION ?? 16);
/** Slices each row's DURATION is cut into, alternating with the rows it is compared with. */
const SLICES = Number(process.env.BENCH_SLICES ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

interface Row {
  name: string;
  /** The ceiling row it is compared with. */
  ceiling: string;
  rps: number;
  /** req/s of each slice, in slice order (rows of one group share the slices). */
  sliceRps: number[];
  p50: number;
  p99: number;
  errors: number;
  /** CPU time per request (Linux /proc) of the service process, if readable. */
  cpuMsPerRequest?: number;
  /** ... of the embedded PostgreSQL's processes (undefined with DATABASE_URL). */
  pgCpuMsPerRequest?: number;
  /** ... of this process, which generates the load (autocannon). */
  loadCpuMsPerRequest: number;
}

/** Appends the check digit that makes `prefix` Luhn-valid. */
function luhnComplete(prefix: string): string {
  for (let check = 0; check < 10; check++) {
    if (luhnValid(prefix + check)) return prefix + check;
  }
  throw new Error('unreachable');
}

/** ~1 KB support-ticket prompt: 3 values seen before (stable) and 3 new ones per counter. */
export function benchPrompt(n: number): string {
  const run = randomBytes(3).toString('hex');
  const card = luhnComplete(`4539${String(n).padStart(11, '0')}`);
  const phone = `(212) 555-${String(n % 10000).padStart(4, '0')}`;
  return (
    `Ticket #88412 — escalation from the billing desk. The customer, who has been with us since 2019, ` +
    `wrote in twice this week about a duplicate charge on her account. She asked that we reply to ` +
    `maria.lopez@example.com rather than her work address, and confirmed the last payment was made with ` +
    `the card ${card.replace(/(\d{4})(?=\d)/g, '$1 ')}. Her SSN on file is 512-44-6789 and her callback number ` +
    `is (415) 555-0143. Please also copy the account manager at customer.${run}.${n}@example.org, who ` +
    `owns the renewal. The customer mentioned that the charge appeared on the 3rd and again on the 5th, ` +
    `each for the same amount, and that her bank flagged the second one. She would like a refund to the ` +
    `original card and a written confirmation. If we need to reach her urgently, the secondary number is ` +
    `${phone}. Do not discuss the case with anyone else in the household. Notes from the previous agent: ` +
    `verified identity with two questions, no fraud indicators, refund eligible under policy 4.2; the ` +
    `duplicate transaction id is visible in the processor dashboard. Draft a short, friendly reply that ` +
    `apologises for the trouble, explains the refund timeline, and asks her to confirm the address.`
  );
}

/**
 * Starts the service under test on the bench's database: as deployed, or a variant with a layer
 * replaced (bench/service-variant.ts).
 */
function startBenchService(
  databaseUrl: string,
  dataDir: string,
  variant?: Variant,
): Promise<BenchService> {
  return startService(
    {
      LOG_LEVEL: 'log',
      PII_VAULT_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      PII_VAULT_MASTER_KEY: process.env.PII_VAULT_MASTER_KEY ?? MASTER_KEY,
      PII_VAULT_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      // Limits stay on (their cost is part of what is measured) but high enough never to reject.
      PII_VAULT_RATE_LIMIT_PER_MINUTE: '100000000',
      PII_VAULT_REVEAL_BUDGET_PER_HOUR: '1000000000',
    },
    variant ? [SERVICE_VARIANT, variant] : [SERVICE_MAIN],
  );
}

/**
 * A bare Fastify + pg ceiling process, on the bench's own table (created before, dropped at the
 * end): `detect` holds the detection engine for /detect-insert; the other process does not.
 */
function startCeilingServer(databaseUrl: string, detect: boolean): Promise<BenchService> {
  return startService({ DATABASE_URL: databaseUrl, CEILING_DETECT: detect ? '1' : '0' }, [
    CEILING_SERVER,
  ]);
}

async function withDatabase<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function send(
  method: string,
  url: string,
  body: unknown,
): Promise<{ body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return { body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const post = async (url: string, body: unknown) => (await send('POST', url, body)).body;

/** Seconds of load per row before anything is timed. */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP ?? 3);

interface Target {
  name: string;
  /** The ceiling row this row is compared with. */
  ceiling: string;
  url: string;
  body: () => string;
  /** The process answering it, for its CPU time. */
  pid?: number;
  /** Work outside the timed slice, before it (building request bodies). */
  prepare?: () => void;
}

/** Tokenize bodies ready before a slice: more than the fastest slice measured here sends. */
const PROMPTS_PER_SLICE = 6000;

/** User + system CPU time of a process in ms, from /proc (Linux); undefined elsewhere. */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Linux reports /proc CPU times in clock ticks of 1/100 s. */
const CLOCK_TICKS = 100;

/** CPU time in ms of the processes named postgres: the embedded server's postmaster and backends. */
function postgresCpuMs(): number | undefined {
  if (process.env.DATABASE_URL) return undefined;
  let total = 0;
  try {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (!stat.includes(' (postgres) ')) continue;
        const fields = stat.split(') ')[1].split(' ');
        // utime + stime, plus cutime + cstime: backends and autovacuum workers that exited are
        // counted in the postmaster that reaped them.
        const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
        total += (ticks * 1000) / CLOCK_TICKS;
      } catch {
        // exited meanwhile
      }
    }
  } catch {
    return undefined;
  }
  return total;
}

/** This process's CPU time in ms. */
const ownCpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Adds after - before to a running total; undefined once any reading was unavailable. */
const addDelta = (
  total: number | undefined,
  before: number | undefined,
  after: number | undefined,
): number | undefined =>
  total === undefined || before === undefined || after === undefined
    ? undefined
    : total + after - before;

function load(
  target: Target,
  options: { duration?: number; amount?: number; connections?: number },
) {
  return autocannon({
    url: target.url,
    method: 'POST',
    connections: CONNECTIONS,
    ...options,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: target.body() }) }],
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Rows that are compared with each other run in alternating slices (A B C, C B A, ...) of
 * DURATION / SLICES seconds, so load from other processes on this shared machine falls on all of
 * them alike. req/s is all requests over all slices' time; p50 and p99 are medians of the slices.
 */
async function measureGroup(targets: Target[]): Promise<Row[]> {
  const slices = targets.map(() => ({
    cpu: 0 as number | undefined,
    pgCpu: 0 as number | undefined,
    loadCpu: 0,
    requests: 0,
    seconds: 0,
    sliceRps: [] as number[],
    p50: [] as number[],
    p99: [] as number[],
    errors: 0,
  }));
  const sliceSeconds = Math.max(1, Math.round(DURATION / SLICES));
  for (let slice = 0; slice < SLICES; slice++) {
    const order = targets.map((_, i) => i);
    if (slice % 2 === 1) order.reverse();
    for (const i of order) {
      targets[i].prepare?.();
      const [before, pgBefore, loadBefore] = [cpuMs(targets[i].pid), postgresCpuMs(), ownCpuMs()];
      const result = await load(targets[i], { duration: sliceSeconds });
      const loadAfter = ownCpuMs(); // before the /proc reads below
      const [after, pgAfter] = [cpuMs(targets[i].pid), postgresCpuMs()];
      const acc = slices[i];
      acc.cpu = addDelta(acc.cpu, before, after);
      acc.pgCpu = addDelta(acc.pgCpu, pgBefore, pgAfter);
      acc.loadCpu += loadAfter - loadBefore;
      acc.requests += result.requests.total;
      acc.seconds += result.duration;
      acc.sliceRps.push(result.requests.total / result.duration);
      acc.p50.push(result.latency.p50);
      acc.p99.push(result.latency.p99);
      acc.errors += result.errors + result.timeouts + result.non2xx;
    }
  }
  return targets.map((target, i) => ({
    name: target.name,
    ceiling: target.ceiling,
    rps: slices[i].requests / slices[i].seconds,
    sliceRps: slices[i].sliceRps,
    p50: median(slices[i].p50),
    p99: median(slices[i].p99),
    errors: slices[i].errors,
    cpuMsPerRequest: perRequest(slices[i].cpu, slices[i].requests),
    pgCpuMsPerRequest: perRequest(slices[i].pgCpu, slices[i].requests),
    loadCpuMsPerRequest: slices[i].loadCpu / slices[i].requests,
  }));
}

function perRequest(ms: number | undefined, requests: number): number | undefined {
  return ms === undefined ? undefined : ms / requests;
}

const ROW = {
  noop: 'ceiling: no-op (bare Fastify)',
  insert: 'ceiling: one INSERT (bare Fastify + pg)',
  detectInsert: 'ceiling: detection + one INSERT (bare Fastify + pg)',
  tokenize: 'POST /v1/tokenize (1 KB, 6 values, 3 new)',
  tokenizeOpsOff: 'POST /v1/tokenize, ops off (variant process)',
  detokenize: 'POST /v1/detokenize (1 KB, 6 tokens, audited)',
  detokenizeAuditOff: 'POST /v1/detokenize, audit off (variant process)',
  detokenizeOpsOff: 'POST /v1/detokenize, ops off (variant process)',
} as const;

/** How the ratio column names each ceiling. */
const CEILING_LABEL: Record<string, string> = {
  [ROW.insert]: 'INSERT',
  [ROW.detectInsert]: 'detect+INSERT',
};

/** Each "on" row against its "off" row of the same run: [label, on, off, target]. */
const COMPARISONS: [string, string, string, string][] = [
  ['detokenize audited vs audit off (#4)', ROW.detokenize, ROW.detokenizeAuditOff, '>= 80%'],
  ['tokenize ops on vs ops off (#7)', ROW.tokenize, ROW.tokenizeOpsOff, '>= 90%'],
  ['detokenize ops on vs ops off (#7)', ROW.detokenize, ROW.detokenizeOpsOff, '>= 90%'],
];

function print(rows: Row[]): void {
  const rps = (name: string) => rows.find((r) => r.name === name)!.rps;
  console.log(
    `\nHTTP, ${CONNECTIONS} connections, ${DURATION} s per row in ${SLICES} alternating slices ` +
      `(autocannon, same machine; p50/p99 are medians of the slices; each row's own process)`,
  );
  console.log(
    '| endpoint | req/s | p50 ms | p99 ms | vs ceiling | CPU ms/req: service | PostgreSQL | load generator | non-2xx/errors |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const ms = (v: number | undefined) => (v === undefined ? 'n/a' : v.toFixed(3));
  for (const r of rows) {
    const ratio = `${Math.round((r.rps / rps(r.ceiling)) * 100)}% of ${CEILING_LABEL[r.ceiling]}`;
    console.log(
      `| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${ratio} | ` +
        `${ms(r.cpuMsPerRequest)} | ${ms(r.pgCpuMsPerRequest)} | ${ms(r.loadCpuMsPerRequest)} | ${r.errors} |`,
    );
  }
  const row = (name: string) => rows.find((r) => r.name === name)!;
  const cpu = (name: string) => row(name).cpuMsPerRequest;
  console.log(
    '\n| comparison (same run, separate processes) | on/off req/s | median of slice pairs | target | off/on service CPU per request |',
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const [label, on, off, target] of COMPARISONS) {
    // Each slice ran both rows back to back; the median of their ratios ignores a slice that a
    // burst elsewhere (autovacuum, a checkpoint, another process) hit on one side only.
    const paired = median(row(on).sliceRps.map((r, i) => r / row(off).sliceRps[i]));
    const [cpuOn, cpuOff] = [cpu(on), cpu(off)];
    const cpuRatio =
      cpuOn === undefined || cpuOff === undefined
        ? 'n/a'
        : `${Math.round((cpuOff / cpuOn) * 100)}%`;
    console.log(
      `| ${label} | ${Math.round((rps(on) / rps(off)) * 100)}% | ${Math.round(paired * 100)}% | ${target} | ${cpuRatio} |`,
    );
  }
}

/**
 * Checks that each process does what its row says before anything is measured: the service as
 * deployed sends security headers and audits detokenize; the audit-off variant writes no audit
 * row; the ops-off variant sends no security headers.
 */
async function checkVariants(
  databaseUrl: string,
  detokenizeBody: unknown,
  urls: { on: string; auditOff: string; opsOff: string },
): Promise<void> {
  const auditRows = () =>
    withDatabase(databaseUrl, async (c) =>
      Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM audit_events')).rows[0].n),
    );
  const detokenize = async (url: string) => {
    const before = await auditRows();
    const { headers } = await send('POST', `${url}/v1/detokenize`, detokenizeBody);
    return {
      audited: (await auditRows()) > before,
      headers: headers.has('x-content-type-options'),
    };
  };
  const expected: [string, string, { audited: boolean; headers: boolean }][] = [
    ['service', urls.on, { audited: true, headers: true }],
    ['audit-off variant', urls.auditOff, { audited: false, headers: true }],
    ['ops-off variant', urls.opsOff, { audited: true, headers: false }],
  ];
  for (const [name, url, want] of expected) {
    const got = await detokenize(url);
    if (got.audited !== want.audited || got.headers !== want.headers) {
      throw new Error(`${name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
  }
}

/**
 * Five processes on one database, all started before anything is measured: the service as
 * deployed (logging, metrics, limits, headers and auditing on), its audit-off and ops-off
 * variants (bench/service-variant.ts: the same AppModule with providers replaced, since the
 * service has no switch to turn any of them off), and the bare Fastify + pg ceilings. Rows that
 * are compared run in alternating slices, so drift on this shared machine falls on all of them
 * alike; the processes differ, so each comparison also holds whatever two processes' speeds
 * differ by. This process runs the embedded PostgreSQL (unless DATABASE_URL is set).
 */
/**
 * Tail latency as a caller feels it: each route at half the throughput it just reached, requests
 * evenly spaced, latency from each request's scheduled time (bench/lib/open-loop.ts).
 */
async function printOpenLoop(runs: { rate: number; target: Target }[]): Promise<void> {
  console.log(
    `\nOpen loop at half of each route's measured req/s, ${DURATION} s each, next to its ceiling at the same rate:`,
  );
  console.log(
    '| route | req/s offered | p50 ms | p99 ms | max ms | most in flight | generator late p99 ms | errors |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const { rate, target } of runs) {
    target.prepare?.();
    const result = await openLoop({
      url: target.url,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: target.body,
      rate: Math.max(1, Math.round(rate)),
      seconds: DURATION,
    });
    console.log(
      `| ${target.name} | ${result.rate} | ${result.p50.toFixed(1)} | ${result.p99.toFixed(1)} | ` +
        `${result.max.toFixed(1)} | ${result.maxInFlight} | ${result.sendLagP99.toFixed(1)} | ${result.errors} |`,
    );
  }
}

/**
 * Scale-out on one machine: the same closed-loop load (CONNECTIONS in all) on one service process,
 * then split over two processes serving the same database, in alternating slices. On two cores
 * both share the same CPUs with PostgreSQL and the load generator, so "the same throughput" is
 * what a second replica can show here; more needs more cores.
 */
async function printScaleOut(routes: { name: string; one: Target; two: [Target, Target] }[]) {
  console.log(
    `\nScale-out: ${CONNECTIONS} connections on one process vs ${CONNECTIONS / 2} + ${CONNECTIONS / 2} on two processes, one database, ${DURATION} s each in ${SLICES} alternating slices:`,
  );
  console.log(
    '| route | one process req/s | two processes req/s | two / one | median of slice pairs |',
  );
  console.log('|---|---:|---:|---:|---:|');
  const sliceSeconds = Math.max(1, Math.round(DURATION / SLICES));
  for (const route of routes) {
    route.two[1].prepare?.();
    await load(route.two[1], { duration: WARMUP_SECONDS });
    let one = 0;
    let two = 0;
    const pairs: number[] = [];
    for (let slice = 0; slice < SLICES; slice++) {
      const runOne = async () => {
        route.one.prepare?.();
        const r = await load(route.one, { duration: sliceSeconds });
        return r.requests.total / r.duration;
      };
      const runTwo = async () => {
        route.two[0].prepare?.();
        const halves = await Promise.all(
          route.two.map((t) => load(t, { duration: sliceSeconds, connections: CONNECTIONS / 2 })),
        );
        return halves.reduce((sum, r) => sum + r.requests.total / r.duration, 0);
      };
      let oneRps: number;
      let twoRps: number;
      if (slice % 2 === 0) {
        oneRps = await runOne();
        twoRps = await runTwo();
      } else {
        twoRps = await runTwo();
        oneRps = await runOne();
      }
      one += oneRps;
      two += twoRps;
      pairs.push(twoRps / oneRps);
    }
    console.log(
      `| ${route.name} | ${(one / SLICES).toFixed(0)} | ${(two / SLICES).toFixed(0)} | ` +
        `${((100 * two) / one).toFixed(0)}% | ${(100 * median(pairs)).toFixed(0)}% |`,
    );
  }
}

/** Seconds per route of the one-connection split run. */
const SPLIT_SECONDS = Number(process.env.BENCH_SPLIT_SECONDS ?? 8);

const PHASE_NAMES: Record<string, string> = {
  policy: 'policy (cached governing policy, caller checks)',
  detect: 'detection',
  blind_index: 'blind index (HMAC per distinct value)',
  seal: 'token mint + AES-256-GCM encryption',
  store: 'vault upsert (one statement, durable commit)',
  link: 'linked name tokens',
  parse: 'placeholder parsing',
  lookup: 'vault lookup (one SELECT)',
  decrypt: 'decryption',
  budget: 'reveal budget',
  audit: 'audit append (group commit, durable)',
  assemble: 'answer assembly',
};

/**
 * Where a request's time goes, at one connection so that no phase waits behind another request:
 * the service's own phase histogram (pii_vault_token_phase_seconds) and its request latency, read
 * from /metrics before and after, with service and PostgreSQL CPU per request from /proc.
 */
async function printSplit(url: string, targets: Target[]): Promise<void> {
  const scrape = async () => {
    const res = await fetch(`${url}/metrics`);
    if (!res.ok) throw new Error(`/metrics: ${res.status}`);
    const text = await res.text();
    return {
      phases: histogramTotals(text, 'pii_vault_token_phase_seconds'),
      http: histogramTotals(text, 'pii_vault_http_request_duration_seconds'),
    };
  };
  const columns: { name: string; cells: Map<string, string> }[] = [];
  for (const target of targets) {
    target.prepare?.();
    const before = await scrape();
    const cpu0 = { svc: cpuMs(target.pid), pg: postgresCpuMs() };
    const result = await load(target, { duration: SPLIT_SECONDS, connections: 1 });
    const cpu1 = { svc: cpuMs(target.pid), pg: postgresCpuMs() };
    const after = await scrape();
    const requests = result.requests.total;
    const cells = new Map<string, string>();
    let handler = 0;
    for (const [labels, { ms }] of meanMsBetween(before.phases, after.phases)) {
      const phase = labelValue(labels, 'phase') ?? '?';
      cells.set(phase, ms.toFixed(3));
      handler += ms;
    }
    const route = new URL(target.url).pathname;
    const http = [...meanMsBetween(before.http, after.http)].find(
      ([labels]) => labelValue(labels, 'status') === '200' && labelValue(labels, 'route') === route,
    );
    if (http) {
      cells.set('outside', (http[1].ms - handler).toFixed(3));
      cells.set('total', http[1].ms.toFixed(3));
    }
    cells.set('client', result.latency.p50.toFixed(1));
    cells.set('svcCpu', perRequest(addDelta(0, cpu0.svc, cpu1.svc), requests)?.toFixed(3) ?? 'n/a');
    cells.set('pgCpu', perRequest(addDelta(0, cpu0.pg, cpu1.pg), requests)?.toFixed(3) ?? 'n/a');
    columns.push({ name: target.name, cells });
  }
  console.log(
    `\nWhere the time goes: one connection, ${SPLIT_SECONDS} s per route, ms per request (service's own clock):`,
  );
  console.log(`| phase | ${columns.map((c) => c.name).join(' | ')} |`);
  console.log(`|---|${columns.map(() => '---:').join('|')}|`);
  const rows: [string, string][] = [
    ...Object.entries(PHASE_NAMES),
    ['outside', 'outside the handler: auth, validation, routing, logs, metrics, serialization'],
    ['total', 'service total (request received to answer sent)'],
    ['client', 'client-side latency p50'],
    ['svcCpu', 'service CPU per request'],
    ['pgCpu', 'PostgreSQL CPU per request'],
  ];
  for (const [key, name] of rows) {
    if (!columns.some((c) => c.cells.has(key))) continue;
    console.log(`| ${name} | ${columns.map((c) => c.cells.get(key) ?? '').join(' | ')} |`);
  }
}

/**
 * BENCH_OPEN_LOOP=tokenize:340,detokenize:600 runs only the open-loop rows, at those rates (for
 * looking at tail latency without the throughput rows first).
 */
function openLoopOnly(): { tokenize: number; detokenize: number } | undefined {
  const spec = process.env.BENCH_OPEN_LOOP;
  if (!spec) return undefined;
  const rates = Object.fromEntries(spec.split(',').map((p) => p.split(':')));
  return { tokenize: Number(rates.tokenize), detokenize: Number(rates.detokenize) };
}

export async function runHttpBench(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pii-vault-bench-'));
  const database = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres(path.join(dataDir, 'db'));
  const databaseUrl = process.env.DATABASE_URL ?? database!.url;
  const processes: BenchService[] = [];
  const started = async (service: Promise<BenchService>) => {
    const running = await service;
    processes.push(running);
    return running;
  };
  try {
    // The service first: it runs the migrations the variants then find done.
    const service = await started(startBenchService(databaseUrl, dataDir));
    await withDatabase(databaseUrl, (c) => c.query(CREATE_CEILING_TABLE));
    const [auditOff, opsOff, ceilings, detectCeiling, replica] = await Promise.all([
      started(startBenchService(databaseUrl, dataDir, 'audit-off')),
      started(startBenchService(databaseUrl, dataDir, 'ops-off')),
      started(startCeilingServer(databaseUrl, false)),
      started(startCeilingServer(databaseUrl, true)),
      // A second replica of the service on the same database, for the scale-out rows.
      started(startBenchService(databaseUrl, dataDir)),
    ]);
    const { url } = service;

    let counter = 0;
    // Warm up: tenant keys and the stable values.
    await post(`${url}/v1/tokenize`, { text: benchPrompt(counter++) });
    const tokenized = (await post(`${url}/v1/tokenize`, { text: benchPrompt(counter++) })) as {
      text: string;
    };
    const detokenizeBody = JSON.stringify({ text: tokenized.text });
    await checkVariants(
      databaseUrl,
      { text: tokenized.text },
      { on: url, auditOff: auditOff.url, opsOff: opsOff.url },
    );
    // Built before each slice, each sent once: the load generator shares the service's cores,
    // and building bodies inside a slice would charge that work to the row being measured.
    const prompts: string[] = [];
    const tokenizeBody = () => prompts.pop() ?? JSON.stringify({ text: benchPrompt(counter++) });
    const preparePrompts = () => {
      while (prompts.length < PROMPTS_PER_SLICE) {
        prompts.push(JSON.stringify({ text: benchPrompt(counter++) }));
      }
    };

    const route = (
      name: string,
      ceiling: string,
      server: BenchService,
      routePath: string,
      body: () => string,
    ): Target => ({
      name,
      ceiling,
      url: `${server.url}${routePath}`,
      body,
      pid: server.child.pid,
      prepare: body === tokenizeBody ? preparePrompts : undefined,
    });
    const detokenizeOf = (name: string, server: BenchService) =>
      route(name, ROW.insert, server, '/v1/detokenize', () => detokenizeBody);
    const tokenizeOf = (name: string, server: BenchService) =>
      route(name, ROW.detectInsert, server, '/v1/tokenize', tokenizeBody);
    const tokenizeTargets = [
      tokenizeOf(ROW.tokenize, service),
      tokenizeOf(ROW.tokenizeOpsOff, opsOff),
    ];
    const detokenizeTargets = [
      detokenizeOf(ROW.detokenize, service),
      detokenizeOf(ROW.detokenizeAuditOff, auditOff),
      detokenizeOf(ROW.detokenizeOpsOff, opsOff),
    ];
    const ceilingTargets = [
      route(ROW.noop, ROW.insert, ceilings, '/noop', () => '{}'),
      route(ROW.insert, ROW.insert, ceilings, '/insert', () => '{}'),
      route(ROW.detectInsert, ROW.detectInsert, detectCeiling, '/detect-insert', tokenizeBody),
    ];
    const scaleOutRoutes: { name: string; one: Target; two: [Target, Target] }[] = [
      {
        name: ROW.tokenize,
        one: tokenizeTargets[0],
        two: [tokenizeTargets[0], tokenizeOf(ROW.tokenize, replica)],
      },
      {
        name: ROW.detokenize,
        one: detokenizeTargets[0],
        two: [detokenizeTargets[0], detokenizeOf(ROW.detokenize, replica)],
      },
    ];
    if (process.env.BENCH_SCALE_OUT_ONLY) {
      await printScaleOut(scaleOutRoutes);
      return;
    }
    if (process.env.BENCH_SPLIT_ONLY) {
      for (const target of [tokenizeTargets[0], detokenizeTargets[0]]) {
        target.prepare?.();
        await load(target, { duration: WARMUP_SECONDS });
      }
      await printSplit(url, [tokenizeTargets[0], detokenizeTargets[0]]);
      return;
    }
    const fixedRates = openLoopOnly();
    if (fixedRates) {
      for (const target of [tokenizeTargets[0], detokenizeTargets[0], ...ceilingTargets]) {
        target.prepare?.();
        await load(target, { duration: WARMUP_SECONDS });
      }
      await printOpenLoop([
        { rate: fixedRates.tokenize, target: tokenizeTargets[0] },
        { rate: fixedRates.tokenize, target: ceilingTargets[2] },
        { rate: fixedRates.detokenize, target: detokenizeTargets[0] },
        { rate: fixedRates.detokenize, target: ceilingTargets[1] },
        { rate: fixedRates.detokenize, target: ceilingTargets[0] },
      ]);
      return;
    }
    for (const target of [...ceilingTargets, ...tokenizeTargets, ...detokenizeTargets]) {
      target.prepare?.();
      await load(target, { duration: WARMUP_SECONDS });
    }
    const tokenize = await measureGroup(tokenizeTargets);
    const detokenize = await measureGroup(detokenizeTargets);
    const ceilingRows = await measureGroup(ceilingTargets);
    print([...ceilingRows, ...tokenize, ...detokenize]);
    await printSplit(url, [tokenizeTargets[0], detokenizeTargets[0]]);
    await printScaleOut(scaleOutRoutes);
    // Each route next to its ceiling at the same offered rate: what a bare Fastify + pg process
    // shows at that rate is the tail this machine adds to any service.
    await printOpenLoop([
      { rate: tokenize[0].rps / 2, target: tokenizeTargets[0] },
      { rate: tokenize[0].rps / 2, target: ceilingTargets[2] },
      { rate: detokenize[0].rps / 2, target: detokenizeTargets[0] },
      { rate: detokenize[0].rps / 2, target: ceilingTargets[1] },
      // No database, no work: the tail that the machine and the load generator alone add.
      { rate: detokenize[0].rps / 2, target: ceilingTargets[0] },
    ]);
  } finally {
    for (const running of processes.reverse()) await stopService(running);
    if (process.env.DATABASE_URL) {
      await withDatabase(databaseUrl, (c) => c.query(`DROP TABLE IF EXISTS ${CEILING_TABLE}`));
    }
    await database?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runHttpBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
