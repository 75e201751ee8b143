/**
 * HTTP throughput of the running service, measured with autocannon on this machine:
 * tokenize and detokenize of a ~1 KB prompt with 6 values (3 new per request), next to two
 * ceilings measured in the same run: an authenticated no-op and one durable INSERT per request.
 *
 * Targets (issue 2): tokenize >= 50% and detokenize >= 70% of the INSERT ceiling's req/s,
 * each with p99 <= 25 ms at 16 connections. Issue 4: detokenize audited within 20% of audit off;
 * issue 7: tokenize and detokenize with logging, metrics and limits within 10% of them off.
 * Run: npm run bench   (BENCH_DURATION=seconds per row, BENCH_CONNECTIONS, DATABASE_URL optional)
 */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { luhnValid } from '../src/detection/validators/luhn';

const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;
const MASTER_KEY = randomBytes(32).toString('base64');
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
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

interface Service {
  url: string;
  child: ChildProcess;
}

/** A free TCP port on the loopback interface (the service itself may log nothing to parse). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts one service on the shared data dir: the first starts the embedded PostgreSQL (and
 * generates the master key), later ones join it, so every variant serves the same vault.
 * Request logs are drained unread: reading them would load this process, which runs autocannon.
 */
async function startService(dataDir: string, variant: Record<string, string>): Promise<Service> {
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'log',
    PII_VAULT_DATA_DIR: dataDir,
    PII_VAULT_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    PII_VAULT_BENCH_ENDPOINTS: 'true',
    // Limits stay on (their cost is part of what is measured) but high enough never to reject.
    PII_VAULT_RATE_LIMIT_PER_MINUTE: '100000000',
    PII_VAULT_REVEAL_BUDGET_PER_HOUR: '1000000000',
    ...variant,
  };
  // An external database (DATABASE_URL) needs one master key shared by the variants.
  if (env.DATABASE_URL && !env.PII_VAULT_MASTER_KEY) env.PII_VAULT_MASTER_KEY = MASTER_KEY;
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'src', 'main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < 20_000) output += chunk.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const url = `http://127.0.0.1:${port}`;
  for (const started = Date.now(); Date.now() - started < 120_000;) {
    if (exited !== undefined) throw new Error(`service exited (${exited}):\n${output}`);
    const live = await fetch(`${url}/health/live`).then(
      (res) => res.ok,
      () => false,
    );
    if (live) {
      child.stdout!.off('data', collect).resume();
      child.stderr!.off('data', collect).resume();
      return { url, child };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`service did not start:\n${output}`);
}

async function stopService(service: Service): Promise<void> {
  if (service.child.exitCode !== null) return;
  const exited = new Promise((resolve) => service.child.on('exit', resolve));
  service.child.kill('SIGTERM');
  await exited;
}

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** A few hundred requests first, so each service variant's JIT is warm before it is timed. */
const WARMUP_REQUESTS = 300;

async function measure(name: string, url: string, body: () => string): Promise<Row> {
  await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    amount: WARMUP_REQUESTS,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }],
  });
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }],
  });
  const errors = result.errors + result.timeouts + result.non2xx;
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors,
  };
}

const ROW = {
  noop: 'ceiling: authenticated no-op',
  insert: 'ceiling: one INSERT per request',
  tokenize: 'POST /v1/tokenize (1 KB, 6 values, 3 new)',
  tokenizeOpsOff: 'POST /v1/tokenize, ops off (bench only)',
  detokenize: 'POST /v1/detokenize (1 KB, 6 tokens, audited)',
  detokenizeAuditOff: 'POST /v1/detokenize, audit off (bench only)',
  detokenizeOpsOff: 'POST /v1/detokenize, ops off (bench only)',
} as const;

/** Each "on" row against its "off" row of the same run: [label, on, off, target]. */
const COMPARISONS: [string, string, string, string][] = [
  ['detokenize audited vs audit off (#4)', ROW.detokenize, ROW.detokenizeAuditOff, '>= 80%'],
  ['tokenize ops on vs ops off (#7)', ROW.tokenize, ROW.tokenizeOpsOff, '>= 90%'],
  ['detokenize ops on vs ops off (#7)', ROW.detokenize, ROW.detokenizeOpsOff, '>= 90%'],
];

function print(rows: Row[]): void {
  const rps = (name: string) => rows.find((r) => r.name === name)!.rps;
  const ceiling = rps(ROW.insert);
  console.log(
    `\nHTTP, ${CONNECTIONS} connections, ${DURATION} s per row (autocannon, same machine)`,
  );
  console.log('| endpoint | req/s | p50 ms | p99 ms | vs INSERT ceiling | non-2xx/errors |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const ratio = `${Math.round((r.rps / ceiling) * 100)}%`;
    console.log(
      `| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${ratio} | ${r.errors} |`,
    );
  }
  console.log('\n| comparison (same run) | on/off req/s | target |');
  console.log('|---|---:|---:|');
  for (const [label, on, off, target] of COMPARISONS) {
    console.log(`| ${label} | ${Math.round((rps(on) / rps(off)) * 100)}% | ${target} |`);
  }
}

/**
 * Three services on one embedded PostgreSQL: as deployed (logging, metrics, limits, headers and
 * auditing on), with auditing off, and with the operations layers off (no request logs, metrics,
 * limits, reveal budget or headers). The off switches exist only for bench instances.
 */
export async function runHttpBench(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pii-vault-bench-'));
  const services: Service[] = [];
  try {
    const full = await startService(dataDir, {});
    services.push(full);
    const auditOff = await startService(dataDir, { PII_VAULT_BENCH_AUDIT_OFF: 'true' });
    services.push(auditOff);
    const opsOff = await startService(dataDir, {
      PII_VAULT_BENCH_OPS_OFF: 'true',
      LOG_LEVEL: 'silent',
    });
    services.push(opsOff);

    let counter = 0;
    // Warm up: tenant keys and the stable values.
    await post(`${full.url}/v1/tokenize`, { text: benchPrompt(counter++) });
    const tokenized = (await post(`${full.url}/v1/tokenize`, { text: benchPrompt(counter++) })) as {
      text: string;
    };
    const detokenizeBody = JSON.stringify({ text: tokenized.text });
    const tokenizeBody = () => JSON.stringify({ text: benchPrompt(counter++) });

    const rows: Row[] = [];
    rows.push(await measure(ROW.noop, `${full.url}/v1/bench/noop`, () => '{}'));
    rows.push(await measure(ROW.insert, `${full.url}/v1/bench/insert`, () => '{}'));
    rows.push(await measure(ROW.tokenize, `${full.url}/v1/tokenize`, tokenizeBody));
    rows.push(await measure(ROW.tokenizeOpsOff, `${opsOff.url}/v1/tokenize`, tokenizeBody));
    rows.push(await measure(ROW.detokenize, `${full.url}/v1/detokenize`, () => detokenizeBody));
    rows.push(
      await measure(ROW.detokenizeAuditOff, `${auditOff.url}/v1/detokenize`, () => detokenizeBody),
    );
    rows.push(
      await measure(ROW.detokenizeOpsOff, `${opsOff.url}/v1/detokenize`, () => detokenizeBody),
    );
    print(rows);
  } finally {
    // The first service owns the embedded PostgreSQL: stop it last.
    for (const service of services.reverse()) await stopService(service);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runHttpBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
