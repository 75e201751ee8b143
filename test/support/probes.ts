import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Service } from './service';

/** Polls a URL every 20 ms until stdin closes, then prints each answer's latency in ms. */
const PROBE_SCRIPT = `
const url = process.argv[1];
const latencies = [];
let running = true;
process.stdin.on('end', () => (running = false));
process.stdin.resume();
(async () => {
  while (running) {
    const started = performance.now();
    const res = await fetch(url);
    await res.text();
    if (res.status !== 200) throw new Error('health answered ' + res.status);
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  process.stdout.write(JSON.stringify(latencies));
})();
`;

/**
 * Starts polling the service's /health/live from a process of its own (the test process may be
 * busy parsing a large answer) and waits 200 ms so the first probes land before the load.
 * `stop()` ends the polling and gives every probe's latency in ms.
 */
export async function probeLiveness(service: Service): Promise<{ stop(): Promise<number[]> }> {
  const prober = spawn(process.execPath, ['-e', PROBE_SCRIPT, `${service.baseUrl}/health/live`], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  prober.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise((resolve) => prober.on('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    async stop() {
      prober.stdin.end();
      await exited;
      return JSON.parse(output) as number[];
    },
  };
}

/** A collector for the alert webhook: every JSON body it is sent. */
export async function webhookReceiver(): Promise<{
  url: string;
  bodies: unknown[];
  close(): void;
}> {
  const bodies: unknown[] = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
    req.on('end', () => {
      bodies.push(JSON.parse(data));
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/alert`, bodies, close: () => server.close() };
}

/** The value of a counter series on /metrics, `name` or `name{label="value"}` (0 while it has no sample). */
export async function counter(service: Service, name: string): Promise<number> {
  const res = await service.request<string>('GET', '/metrics', { key: null });
  const escaped = name.replace(/[{}]/g, '\\$&');
  const match = new RegExp(`^${escaped} (\\d+)`, 'm').exec(res.body);
  return match ? Number(match[1]) : 0;
}
