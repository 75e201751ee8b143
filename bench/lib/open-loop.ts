import http from 'node:http';

export interface OpenLoopResult {
  rate: number;
  sent: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  /** Time to the first byte of the answer's body, from the due time: p50 and p99, ms. */
  ttfbP50: number;
  ttfbP99: number;
  /** Largest number of requests in flight at once. */
  maxInFlight: number;
  /**
   * 99th percentile of how late this generator sent a request after its due time, in ms: when it
   * is large, the load generator (not the service) was behind.
   */
  sendLagP99: number;
}

/**
 * An open-loop run: request i is due at start + i / rate, whatever happened to the ones before,
 * and its latency counts from that due time, not from when it was sent. A service that pauses
 * therefore shows the pause in every request that was due during it (no coordinated omission),
 * and requests are spread evenly over each second instead of sent as one burst.
 *
 * Requests go over node:http keep-alive sockets (at most `sockets`, default 64), not `fetch`:
 * fetch cost this 2-core machine ~1 ms of CPU per request and opened a new socket for every
 * request in flight, which the service under test then paid for too.
 */
export async function openLoop(options: {
  url: string;
  headers: Record<string, string>;
  body: () => string;
  rate: number;
  seconds: number;
  sockets?: number;
}): Promise<OpenLoopResult> {
  const { url, headers, body, rate, seconds } = options;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.sockets ?? 64 });
  const target = new URL(url);
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  const firstBytes: number[] = [];
  const sendLags: number[] = [];
  let errors = 0;
  let inFlightNow = 0;
  let maxInFlight = 0;
  const inFlight: Promise<void>[] = [];
  const send = (payload: string, due: number) =>
    new Promise<void>((resolve) => {
      inFlightNow++;
      maxInFlight = Math.max(maxInFlight, inFlightNow);
      const done = (failed: boolean) => {
        inFlightNow--;
        if (failed) errors++;
        else latencies.push(performance.now() - due);
        resolve();
      };
      const req = http.request(
        {
          agent,
          method: 'POST',
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          headers: { ...headers, 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          let first = true;
          res.on('data', () => {
            if (first) firstBytes.push(performance.now() - due);
            first = false;
          });
          res.on('end', () => done((res.statusCode ?? 500) >= 400));
          res.on('error', () => done(true));
        },
      );
      req.on('error', () => done(true));
      req.end(payload);
    });
  const start = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + (next * 1000) / rate <= now) {
        const due = start + (next * 1000) / rate;
        next++;
        sendLags.push(now - due);
        inFlight.push(send(body(), due));
      }
      if (next >= total) return resolve();
      const wait = start + (next * 1000) / rate - performance.now();
      setTimeout(tick, Math.max(0, Math.floor(wait)));
    };
    tick();
  });
  await Promise.all(inFlight);
  agent.destroy();
  const quantile = (values: number[], q: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  };
  const at = (q: number) => quantile(latencies, q);
  return {
    rate,
    sent: total,
    errors,
    p50: at(0.5),
    p99: at(0.99),
    max: at(1),
    ttfbP50: quantile(firstBytes, 0.5),
    ttfbP99: quantile(firstBytes, 0.99),
    maxInFlight,
    sendLagP99: quantile(sendLags, 0.99),
  };
}
