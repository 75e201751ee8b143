/**
 * The LLM gateway's added latency: the same chat completion sent straight to a fake model API
 * (bench/fake-model-server.ts, which answers at once, echoing the prompt) and through the
 * gateway (tokenize the ~1 KB prompt with 6 values, forward, restore the 6 placeholders in the
 * answer, audited), JSON and streamed, at BENCH_CONNECTIONS (16) closed-loop connections.
 * Direct and gateway slices alternate, so drift of this shared machine falls on both alike.
 *
 * Run: npm run bench (BENCH_ONLY=gateway), BENCH_GATEWAY_SECONDS per row (default 16).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { benchPrompt } from './http';
import { openLoop } from './lib/open-loop';
import { BenchService, SERVICE_MAIN, startService, stopService } from './lib/service';

const FAKE_MODEL = path.join(__dirname, 'fake-model-server.js');
const SECONDS = Number(process.env.BENCH_GATEWAY_SECONDS ?? 16);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SLICES = 4;
const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;
const generatorAgent = new Agent({ keepAliveTimeout: 30_000 });

interface Sample {
  /** ms until the first byte of the body arrived. */
  ttfb: number;
  /** ms until the whole body arrived. */
  total: number;
}

interface Row {
  name: string;
  samples: Sample[];
  errors: number;
}

/**
 * One call over the load generator's keep-alive pool (undici's request API: `fetch` cost the
 * generator about 0.4 ms of CPU per call on this 2-core machine, which the service then lacked).
 */
async function once(url: string, headers: Record<string, string>, body: string): Promise<Sample> {
  const start = performance.now();
  const res = await request(url, { dispatcher: generatorAgent, method: 'POST', headers, body });
  let ttfb = NaN;
  for await (const chunk of res.body) {
    void chunk;
    if (Number.isNaN(ttfb)) ttfb = performance.now() - start;
  }
  if (Number.isNaN(ttfb)) ttfb = performance.now() - start;
  if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
  return { ttfb, total: performance.now() - start };
}

/** CONNECTIONS loops, each sending its next request when the last one finished. */
async function closedLoop(
  row: Row,
  url: string,
  headers: Record<string, string>,
  body: () => string,
  seconds: number,
): Promise<void> {
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        try {
          row.samples.push(await once(url, headers, body()));
        } catch {
          row.errors++;
        }
      }
    }),
  );
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};

export async function runGatewayBench(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pii-vault-bench-gw-'));
  // Traversable, so (as root) the cluster stays under it and is removed with it.
  fs.chmodSync(dataDir, 0o711);
  const database = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres(path.join(dataDir, 'db'));
  const databaseUrl = process.env.DATABASE_URL ?? database!.url;
  const processes: BenchService[] = [];
  try {
    const model = await startService({}, [FAKE_MODEL]);
    processes.push(model);
    const service = await startService(
      {
        LOG_LEVEL: 'log',
        PII_VAULT_DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        PII_VAULT_MASTER_KEY: randomBytes(32).toString('base64'),
        PII_VAULT_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
        PII_VAULT_RATE_LIMIT_PER_MINUTE: '100000000',
        PII_VAULT_REVEAL_BUDGET_PER_HOUR: '1000000000',
        PII_VAULT_UPSTREAM_URL: `${model.url}/v1`,
      },
      [SERVICE_MAIN],
    );
    processes.push(service);

    let counter = 0;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` };
    const bodyOf = (stream: boolean) => () =>
      JSON.stringify({
        model: 'bench',
        stream,
        messages: [{ role: 'user', content: benchPrompt(counter++) }],
      });
    // The direct calls echo a prompt the gateway would have tokenized: the same bytes back.
    const direct = `${model.url}/v1/chat/completions`;
    const gateway = `${service.url}/v1/gateway/openai/v1/chat/completions`;
    const check = await once(gateway, headers, bodyOf(false)());
    if (!(check.total > 0)) throw new Error('gateway check failed');

    const table: string[] = [];
    const openLoopTable: string[] = [];
    for (const stream of [false, true]) {
      const rows = {
        direct: {
          name: `direct to the fake model${stream ? ', streamed' : ''}`,
          samples: [],
          errors: 0,
        } as Row,
        gateway: {
          name: `through the gateway${stream ? ', streamed' : ''}`,
          samples: [],
          errors: 0,
        } as Row,
      };
      // Warm-up, then alternating slices.
      await closedLoop({ name: '', samples: [], errors: 0 }, gateway, headers, bodyOf(stream), 2);
      for (let slice = 0; slice < SLICES; slice++) {
        await closedLoop(rows.direct, direct, headers, bodyOf(stream), SECONDS / SLICES);
        await closedLoop(rows.gateway, gateway, headers, bodyOf(stream), SECONDS / SLICES);
      }
      for (const row of [rows.direct, rows.gateway]) {
        const totals = row.samples.map((s) => s.total);
        const ttfbs = row.samples.map((s) => s.ttfb);
        table.push(
          `| ${row.name} | ${(row.samples.length / SECONDS).toFixed(0)} | ${quantile(totals, 0.5).toFixed(1)} | ${quantile(totals, 0.99).toFixed(1)} | ${quantile(ttfbs, 0.5).toFixed(1)} | ${quantile(ttfbs, 0.99).toFixed(1)} | ${row.errors} |`,
        );
      }
      const added = (q: number, pick: (s: Sample) => number) =>
        (
          quantile(rows.gateway.samples.map(pick), q) - quantile(rows.direct.samples.map(pick), q)
        ).toFixed(1);
      table.push(
        `| added by the gateway${stream ? ', streamed' : ''} (difference of the rows' percentiles) | | ${added(0.5, (s) => s.total)} | ${added(0.99, (s) => s.total)} | ${added(0.5, (s) => s.ttfb)} | ${added(0.99, (s) => s.ttfb)} | |`,
      );
      // Closed-loop connections at saturation measure mostly the queue; an open loop at half the
      // gateway's rate measures what one call adds when the service keeps up.
      const rate = rows.gateway.samples.length / SECONDS / 2;
      const open = async (url: string) =>
        openLoop({ url, headers, body: bodyOf(stream), rate, seconds: SECONDS / 2 });
      const [directOpen, gatewayOpen] = [await open(direct), await open(gateway)];
      const kind = stream ? 'streamed' : 'JSON';
      for (const [name, r] of [
        [`direct, ${kind}`, directOpen],
        [`through the gateway, ${kind}`, gatewayOpen],
      ] as const) {
        openLoopTable.push(
          `| ${name} | ${rate.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.ttfbP50.toFixed(1)} | ${r.ttfbP99.toFixed(1)} | ${r.errors} |`,
        );
      }
      openLoopTable.push(
        `| added by the gateway, ${kind} | | ${(gatewayOpen.p50 - directOpen.p50).toFixed(1)} | ${(gatewayOpen.p99 - directOpen.p99).toFixed(1)} | ${(gatewayOpen.ttfbP50 - directOpen.ttfbP50).toFixed(1)} | ${(gatewayOpen.ttfbP99 - directOpen.ttfbP99).toFixed(1)} | |`,
      );
    }
    console.log(
      `\nLLM gateway: ${CONNECTIONS} closed-loop connections, ${SECONDS} s per row in ${SLICES} alternating slices, ` +
        `~1 KB prompt with 6 values (3 new per request), answer echoes it (6 placeholders restored, audited)\n`,
    );
    console.log(
      '| row | req/s | total p50 ms | total p99 ms | TTFB p50 ms | TTFB p99 ms | errors |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const line of table) console.log(line);
    console.log(
      `\nOpen loop at half the gateway's closed-loop rate, evenly spaced, ${SECONDS / 2} s each, latency from each request's due time:\n`,
    );
    console.log(
      '| row | req/s offered | total p50 ms | total p99 ms | TTFB p50 ms | TTFB p99 ms | errors |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const line of openLoopTable) console.log(line);
  } finally {
    for (const running of processes.reverse()) await stopService(running);
    await database?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runGatewayBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
