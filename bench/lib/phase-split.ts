/**
 * Reads the service's own split of a request (pii_vault_token_phase_seconds, one observation per
 * request and phase) and its request latency histogram from /metrics text, so the bench can say
 * per request where a route's time went between two scrapes.
 */

/** Sum and count of each series of a histogram, keyed by its label text. */
export type HistogramTotals = Map<string, { sum: number; count: number }>;

const SERIES = /^(\w+)_(sum|count)\{([^}]*)\} ([0-9.eE+-]+)$/;

export function histogramTotals(metricsText: string, name: string): HistogramTotals {
  const totals: HistogramTotals = new Map();
  for (const line of metricsText.split('\n')) {
    const match = SERIES.exec(line);
    if (!match || match[1] !== name) continue;
    const entry = totals.get(match[3]) ?? { sum: 0, count: 0 };
    entry[match[2] as 'sum' | 'count'] = Number(match[4]);
    totals.set(match[3], entry);
  }
  return totals;
}

/** Mean ms per request of each series between two scrapes (series with no new requests left out). */
export function meanMsBetween(
  before: HistogramTotals,
  after: HistogramTotals,
): Map<string, { ms: number; count: number }> {
  const means = new Map<string, { ms: number; count: number }>();
  for (const [labels, now] of after) {
    const then = before.get(labels) ?? { sum: 0, count: 0 };
    const count = now.count - then.count;
    if (count > 0) means.set(labels, { ms: ((now.sum - then.sum) * 1000) / count, count });
  }
  return means;
}

/** The value of one label in Prometheus label text (`a="x",b="y"`). */
export function labelValue(labels: string, name: string): string | undefined {
  return new RegExp(`(?:^|,)${name}="([^"]*)"`).exec(labels)?.[1];
}
