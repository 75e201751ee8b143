/**
 * Client CPU per call of the two HTTP clients the gateway could use for its upstream: `fetch`
 * and undici's `request` (what src/gateway/upstream.ts uses), each posting a ~1 KB chat body to
 * bench/fake-model-server.ts over 16 keep-alive connections, alternating, three rounds of 3 s.
 *
 * Run: npm run build && node dist/bench/upstream-client.js
 */
import path from 'node:path';
import { Pool } from 'undici';
import { startService, stopService } from './lib/service';

const CONNECTIONS = 16;
const SECONDS = 3;

async function main(): Promise<void> {
  const model = await startService({}, [path.join(__dirname, 'fake-model-server.js')]);
  const url = `${model.url}/v1/chat/completions`;
  const body = JSON.stringify({
    model: 'bench',
    messages: [{ role: 'user', content: 'hello '.repeat(170) }],
  });
  const headers = { 'content-type': 'application/json' };
  const pool = new Pool(model.url, { connections: CONNECTIONS });
  const clients: Record<string, () => Promise<string>> = {
    fetch: async () => (await fetch(url, { method: 'POST', headers, body })).text(),
    'undici request': async () =>
      (
        await pool.request({ path: '/v1/chat/completions', method: 'POST', headers, body })
      ).body.text(),
  };
  try {
    console.log('| round | client | calls/s | client CPU ms per call |\n|---|---|---:|---:|');
    for (let round = 1; round <= 3; round++) {
      for (const [name, call] of Object.entries(clients)) {
        const cpu = process.cpuUsage();
        const started = performance.now();
        let calls = 0;
        await Promise.all(
          Array.from({ length: CONNECTIONS }, async () => {
            while (performance.now() - started < SECONDS * 1000) {
              await call();
              calls++;
            }
          }),
        );
        const used = process.cpuUsage(cpu);
        const perCall = (used.user + used.system) / 1000 / calls;
        console.log(
          `| ${round} | ${name} | ${Math.round(calls / SECONDS)} | ${perCall.toFixed(3)} |`,
        );
      }
    }
  } finally {
    await pool.close();
    await stopService(model);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
