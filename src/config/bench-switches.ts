/**
 * What a bench instance has switched off, read at request time. Both start off (false) and only
 * PUT /v1/bench/switches, an admin route mounted only with PII_VAULT_BENCH_ENDPOINTS=true, can
 * set them: `npm run bench` flips them between load slices of one service process, so an "off"
 * row is compared with the same process, not with a sibling process whose own speed differs.
 */
export class BenchSwitches {
  /** No request log lines, metrics, rate limits, reveal budget or security headers. */
  opsOff = false;
  /** Nothing is audited. */
  auditOff = false;
}
