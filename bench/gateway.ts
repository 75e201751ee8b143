/**
 * The LLM gateway's added latency: the same chat completion sent straight to a fake model API
 * (bench/fake-model-server.ts, which answers at once, echoing the prompt) and through the
 * gateway (tokenize the ~1 KB prompt with 6 values, forward, restore the 6 placeholders in the
 * answer, audited), JSON and streamed, at BENCH_CONNECTIONS (16) closed-loop connections.
 * Direct and gateway slices alternate, so drift of this shared machine falls on both alike. Then
 * the same against a fake model paced like a real one (PACED_FIRST_MS to the first delta, then
 * one every PACED_DELTA_MS), where 16 callers no longer saturate the gateway.
 *
 * Run: npm run bench (BENCH_ONLY=gateway), BENCH_GATEWAY_SECONDS per row (default 16).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { benchPrompt } from './http';
import { openLoop } from './lib/open-loop';
import { BenchService, SERVICE_MAIN, startService, stopService } from './lib/service';

const FAKE_MODEL = path.join(__dirname, 'fake-model-server.js');
const SECONDS = Number(process.env.BENCH_GATEWAY_SECONDS ?? 16);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SLICES = 4;
/** The paced fake model: time to its first delta, and between deltas (~60 of them for 1 KB). */
const PACED_FIRST_MS = 300;
const PACED_DELTA_MS = 10;
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

/**
 * CONNECTIONS loops, each sending its next request when the last one finished. With `staggerMs`,
 * loop i starts i / CONNECTIONS of it late: against an upstream that takes the same time for
 * every call, loops started together would stay in step and arrive as bursts of CONNECTIONS.
 */
async function closedLoop(
  row: Row,
  url: string,
  headers: Record<string, string>,
  body: () => string,
  seconds: number,
  staggerMs = 0,
): Promise<void> {
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, i) => {
      await sleep((i * staggerMs) / CONNECTIONS);
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

/**
 * Direct and gateway rows for JSON and streamed calls, in alternating closed-loop slices; with
 * `openLoopToo`, each kind again open-loop at half the gateway's closed-loop rate.
 */
async function compare(
  direct: string,
  gateway: string,
  headers: Record<string, string>,
  bodyOf: (stream: boolean) => () => string,
  openLoopToo: boolean,
  staggerMs = 0,
): Promise<{ table: string[]; openLoopTable: string[] }> {
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
      const each = SECONDS / SLICES;
      await closedLoop(rows.direct, direct, headers, bodyOf(stream), each, staggerMs);
      await closedLoop(rows.gateway, gateway, headers, bodyOf(stream), each, staggerMs);
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
    if (!openLoopToo) continue;
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
  return { table, openLoopTable };
}

export async function runGatewayBench(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pii-vault-bench-gw-'));
  // Traversable, so (as root) the cluster stays under it and is removed with it.
  fs.chmodSync(dataDir, 0o711);
  const database = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres(path.join(dataDir, 'db'));
  const databaseUrl = process.env.DATABASE_URL ?? database!.url;
  const processes: BenchService[] = [];
  // One key for both gateway processes: they share the database and its wrapped keys.
  const masterKey = randomBytes(32).toString('base64');
  const gatewayFor = async (model: BenchService) => {
    const service = await startService(
      {
        LOG_LEVEL: 'log',
        PII_VAULT_DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        PII_VAULT_MASTER_KEY: masterKey,
        PII_VAULT_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
        PII_VAULT_RATE_LIMIT_PER_MINUTE: '100000000',
        PII_VAULT_REVEAL_BUDGET_PER_HOUR: '1000000000',
        PII_VAULT_UPSTREAM_URL: `${model.url}/v1`,
      },
      [SERVICE_MAIN],
    );
    processes.push(service);
    return service;
  };
  try {
    const model = await startService({}, [FAKE_MODEL]);
    processes.push(model);
    const service = await gatewayFor(model);

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

    const { table, openLoopTable } = await compare(direct, gateway, headers, bodyOf, true);
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

    // An instant upstream makes 16 closed-loop connections a saturation test. A model takes
    // hundreds of ms to its first token and streams the rest: with one paced like that, the same
    // 16 connections measure what the gateway adds to a call as a caller of a real model sees it.
    await stopService(service);
    const pacedModel = await startService(
      { FAKE_MODEL_FIRST_MS: String(PACED_FIRST_MS), FAKE_MODEL_DELTA_MS: String(PACED_DELTA_MS) },
      [FAKE_MODEL],
    );
    processes.push(pacedModel);
    const pacedGateway = await gatewayFor(pacedModel);
    const paced = await compare(
      `${pacedModel.url}/v1/chat/completions`,
      `${pacedGateway.url}/v1/gateway/openai/v1/chat/completions`,
      headers,
      bodyOf,
      false,
      // About one call's length: the first delta, then ~60 deltas for the 1 KB echo.
      PACED_FIRST_MS + 60 * PACED_DELTA_MS,
    );
    console.log(
      `\nModel-paced upstream (first delta after ${PACED_FIRST_MS} ms, then one 16-character delta every ` +
        `${PACED_DELTA_MS} ms; a JSON answer when the last delta would come), ${CONNECTIONS} closed-loop connections ` +
        `started evenly over one call's length, ` +
        `${SECONDS} s per row in ${SLICES} alternating slices:\n`,
    );
    console.log(
      '| row | req/s | total p50 ms | total p99 ms | TTFB p50 ms | TTFB p99 ms | errors |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const line of paced.table) console.log(line);
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
