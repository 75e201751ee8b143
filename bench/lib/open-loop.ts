export interface OpenLoopResult {
  rate: number;
  sent: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * An open-loop run: request i is due at start + i / rate, whatever happened to the ones before,
 * and its latency counts from that due time, not from when it was sent. A service that pauses
 * therefore shows the pause in every request that was due during it (no coordinated omission),
 * and requests are spread evenly over each second instead of sent as one burst.
 */
export async function openLoop(options: {
  url: string;
  headers: Record<string, string>;
  body: () => string;
  rate: number;
  seconds: number;
}): Promise<OpenLoopResult> {
  const { url, headers, body, rate, seconds } = options;
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + (next * 1000) / rate <= now) {
        const due = start + (next * 1000) / rate;
        next++;
        inFlight.push(
          fetch(url, { method: 'POST', headers, body: body() })
            .then(async (res) => {
              await res.arrayBuffer();
              if (res.status >= 400) errors++;
              latencies.push(performance.now() - due);
            })
            .catch(() => {
              errors++;
            }),
        );
      }
      if (next >= total) return resolve();
      const wait = start + (next * 1000) / rate - performance.now();
      setTimeout(tick, Math.max(0, Math.floor(wait)));
    };
    tick();
  });
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    rate,
    sent: total,
    errors,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies[latencies.length - 1] ?? NaN,
  };
}
