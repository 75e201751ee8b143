/**
 * HTTP throughput of the running service, measured with autocannon on this machine:
 * tokenize and detokenize of a ~1 KB prompt with 6 values (3 new per request), next to two
 * ceilings measured in the same run: an authenticated no-op and one durable INSERT per request.
 *
 * Targets (issue 2): tokenize >= 50% and detokenize >= 70% of the INSERT ceiling's req/s,
 * each with p99 <= 25 ms at 16 connections.
 * Run: npm run bench   (BENCH_DURATION=seconds per row, BENCH_CONNECTIONS, DATABASE_URL optional)
 */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { luhnValid } from '../src/detection/validators/luhn';

const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;
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

async function startService(): Promise<{ url: string; child: ChildProcess; cleanup: () => void }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pii-vault-bench-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    PII_VAULT_DATA_DIR: dataDir,
    PII_VAULT_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    PII_VAULT_BENCH_ENDPOINTS: 'true',
    // Limits stay on (their cost is part of what is measured) but high enough never to reject.
    PII_VAULT_RATE_LIMIT_PER_MINUTE: '100000000',
    PII_VAULT_REVEAL_BUDGET_PER_HOUR: '1000000000',
  };
  if (env.DATABASE_URL && !env.PII_VAULT_MASTER_KEY)
    env.PII_VAULT_MASTER_KEY = randomBytes(32).toString('base64');
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'src', 'main.js')], {
    env: { ...env, LOG_LEVEL: 'log' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (!match) return;
      // From here on request logs are drained unread: reading them would load this process,
      // which also runs autocannon.
      child.stdout!.off('data', onData).resume();
      child.stderr!.off('data', onData).resume();
      resolve(match[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`service exited (${code}):\n${output}`)));
  });
  return { url, child, cleanup: () => fs.rmSync(dataDir, { recursive: true, force: true }) };
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

async function measure(name: string, url: string, body: () => string): Promise<Row> {
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

function print(rows: Row[]): void {
  const ceiling = rows.find((r) => r.name.startsWith('ceiling: one INSERT'))!.rps;
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
}

export async function runHttpBench(): Promise<void> {
  const service = await startService();
  try {
    const base = service.url;
    let counter = 0;
    // Warm up: tenant keys, stable values, JIT.
    await post(`${base}/v1/tokenize`, { text: benchPrompt(counter++) });
    const tokenized = (await post(`${base}/v1/tokenize`, { text: benchPrompt(counter++) })) as {
      text: string;
    };
    const detokenizeBody = JSON.stringify({ text: tokenized.text });

    const rows: Row[] = [];
    rows.push(await measure('ceiling: authenticated no-op', `${base}/v1/bench/noop`, () => '{}'));
    rows.push(
      await measure('ceiling: one INSERT per request', `${base}/v1/bench/insert`, () => '{}'),
    );
    rows.push(
      await measure('POST /v1/tokenize (1 KB, 6 values, 3 new)', `${base}/v1/tokenize`, () =>
        JSON.stringify({ text: benchPrompt(counter++) }),
      ),
    );
    rows.push(
      await measure(
        'POST /v1/detokenize (1 KB, 6 tokens)',
        `${base}/v1/detokenize`,
        () => detokenizeBody,
      ),
    );
    print(rows);
  } finally {
    service.child.kill('SIGTERM');
    await new Promise((resolve) => service.child.on('exit', resolve));
    service.cleanup();
  }
}

if (require.main === module) {
  runHttpBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
