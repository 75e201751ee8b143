import { randomBytes, randomInt } from 'node:crypto';

import { ADMIN_KEY, createDatabase, newMasterKey, ResponseOf, Service } from './support/service';

/** Values unique to this run, so finding one anywhere is a real leak. */
function uniqueValues() {
  const tag = randomBytes(4).toString('hex');
  return {
    email: `grace.${tag}@example.org`,
    ssn: `${randomInt(100, 599)}-${randomInt(10, 99)}-${randomInt(1000, 9999)}`,
    phone: `(415) 555-${String(randomInt(1000, 9999))}`,
  };
}

async function createKeyWith(
  service: Service,
  body: Record<string, unknown>,
): Promise<{ id: string; key: string }> {
  const res = await service.request<{ id: string; key: string }>('POST', '/v1/admin/api-keys', {
    body: { name: 'ops', roles: ['admin'], ...body },
  });
  if (res.status !== 201)
    throw new Error(`creating key failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const detect = (service: Service, key: string): Promise<ResponseOf> =>
  service.request('POST', '/v1/detect', { key, body: { text: 'nothing here' } });

/** Prometheus text exposition: comments, blank lines, or `name{labels} value`. */
function assertPrometheusText(text: string): void {
  const sample =
    /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9.e+-]+|NaN|[+-]Inf$/;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    expect(line).toMatch(sample);
  }
}

describe('rate limits', () => {
  let service: Service;

  beforeAll(async () => {
    const db = await createDatabase('ops');
    service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: { PII_VAULT_AUTH_FAILURES_PER_MINUTE: '5' },
    });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('answers 429 with Retry-After on the 21st request of a key limited to 20 a minute, while another key is unaffected', async () => {
    const limited = await createKeyWith(service, { rateLimitPerMinute: 20 });
    const other = await createKeyWith(service, {});
    expect(
      (
        await service.request<{ rateLimitPerMinute: number }[]>('GET', '/v1/admin/api-keys')
      ).body.find((k) => (k as unknown as { id: string }).id === limited.id)?.rateLimitPerMinute,
    ).toBe(20);
    for (let i = 0; i < 20; i++) expect((await detect(service, limited.key)).status).toBe(200);

    const refused = await detect(service, limited.key);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: 'rate_limited' } });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    for (let i = 0; i < 25; i++) expect((await detect(service, other.key)).status).toBe(200);
  });

  it('refuses a key limit that is not a positive integer', async () => {
    for (const rateLimitPerMinute of [0, -5, 1.5, 'many']) {
      const res = await service.request('POST', '/v1/admin/api-keys', {
        body: { name: 'bad', roles: ['admin'], rateLimitPerMinute },
      });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('rateLimitPerMinute');
    }
  });

  it('throttles a client that keeps failing authentication, while a key already in use keeps working', async () => {
    expect((await detect(service, ADMIN_KEY)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const guess = `pvk_${'a'.repeat(16)}_${randomBytes(32).toString('base64url')}`;
      statuses.push((await detect(service, guess)).status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const refused = await detect(service, 'another-wrong-key-0123456789');
    expect(refused.body).toMatchObject({ error: { code: 'rate_limited' } });
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);

    expect((await detect(service, ADMIN_KEY)).status).toBe(200);
    const metrics = await service.request<string>('GET', '/metrics', { key: null });
    expect(metrics.body).toMatch(
      /pii_vault_rate_limit_rejections_total\{reason="auth_failures"\} [1-9]/,
    );
    expect(metrics.body).toMatch(/pii_vault_rate_limit_rejections_total\{reason="api_key"\} [1-9]/);
  });
});

describe('failed-authentication throttling behind a proxy', () => {
  const guess = () => `pvk_${'b'.repeat(16)}_${randomBytes(32).toString('base64url')}`;
  const failFrom = (service: Service, forwardedFor: string) =>
    service.request('POST', '/v1/detect', {
      key: guess(),
      body: { text: 'nothing here' },
      headers: { 'x-forwarded-for': forwardedFor },
    });

  it('with TRUST_PROXY at one hop, throttles the address in X-Forwarded-For and not the others behind the proxy', async () => {
    const db = await createDatabase('ops');
    const service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: { TRUST_PROXY: '1', PII_VAULT_AUTH_FAILURES_PER_MINUTE: '3' },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await failFrom(service, '203.0.113.7')).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect((await failFrom(service, '198.51.100.9')).status).toBe(401);
    } finally {
      await service.stop();
    }
  });

  it('by default ignores X-Forwarded-For, so a client cannot dodge the throttle by forging it', async () => {
    const db = await createDatabase('ops');
    const service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: { PII_VAULT_AUTH_FAILURES_PER_MINUTE: '3' },
    });
    try {
      for (let i = 0; i < 3; i++)
        expect((await failFrom(service, `203.0.113.${i}`)).status).toBe(401);
      expect((await failFrom(service, '198.51.100.9')).status).toBe(429);
    } finally {
      await service.stop();
    }
  });
});

describe('rate limits shared through PostgreSQL', () => {
  it('two instances on one database share one key budget', async () => {
    const db = await createDatabase('ops');
    const masterKey = newMasterKey();
    const env = { PII_VAULT_RATE_LIMIT_STORE: 'postgres' };
    const first = await Service.start({ databaseUrl: db.url, masterKey, env });
    const second = await Service.start({ databaseUrl: db.url, masterKey, env });
    try {
      const { key } = await createKeyWith(first, { rateLimitPerMinute: 10 });
      for (let i = 0; i < 5; i++) {
        expect((await detect(first, key)).status).toBe(200);
        expect((await detect(second, key)).status).toBe(200);
      }
      const refusedBySecond = await detect(second, key);
      expect(refusedBySecond.status).toBe(429);
      expect(refusedBySecond.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await detect(first, key)).status).toBe(429);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});

describe('metrics, logs and headers after a workload full of PII', () => {
  const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
  let service: Service;
  const values = uniqueValues();
  const tokens: string[] = [];
  let userKey: string;

  beforeAll(async () => {
    const db = await createDatabase('ops');
    service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: { PII_VAULT_METRICS_TOKEN: METRICS_TOKEN },
    });
    userKey = (await createKeyWith(service, {})).key;
    const text = `Mail ${values.email}, SSN ${values.ssn}, phone ${values.phone}.`;
    const tokenized = await service.request<{ text: string; entities: { token: string }[] }>(
      'POST',
      '/v1/tokenize',
      { key: userKey, body: { text }, headers: { 'x-request-id': 'workload-tokenize-1' } },
    );
    expect(tokenized.status).toBe(200);
    tokens.push(...tokenized.body.entities.map((e) => e.token));
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    const restored = await service.request<{ text: string }>('POST', '/v1/detokenize', {
      key: userKey,
      body: { text: tokenized.body.text },
    });
    expect(restored.body.text).toBe(text);
    await service.request('POST', '/v1/detokenize', {
      key: userKey,
      body: { tokens: [...tokens, '[MADE_UP_TYPE_ZZZZZZ]'] },
    });
    await service.request('POST', '/v1/detect', { key: userKey, body: { text } });
    // Values where they do not belong: in a path, a query, a bad body and a request id.
    await service.request('GET', `/v1/lookup/${encodeURIComponent(values.email)}`, {
      key: userKey,
    });
    await service.request('GET', `/v1/audit?action=${encodeURIComponent(values.ssn)}`, {
      key: userKey,
    });
    await service.request('POST', '/v1/tokenize', {
      key: userKey,
      rawBody: `{"text": "${values.phone}`,
    });
    await service.request('GET', '/health', {
      key: null,
      headers: { 'x-request-id': values.email },
    });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('serves Prometheus text that holds no value, token or key', async () => {
    const res = await service.request<string>('GET', '/metrics', { key: METRICS_TOKEN });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    assertPrometheusText(res.body);
    for (const value of [...Object.values(values), ...tokens, userKey, ADMIN_KEY]) {
      expect(res.body).not.toContain(value);
    }
    expect(res.body).not.toMatch(/MADE_UP_TYPE|ZZZZZZ|grace\./);
  });

  it('counts requests by route template and tokens by entity type and outcome', async () => {
    const { body } = await service.request<string>('GET', '/metrics', { key: METRICS_TOKEN });
    expect(body).toMatch(
      /pii_vault_http_requests_total\{method="POST",route="\/v1\/tokenize",status="200"\} 1/,
    );
    expect(body).toMatch(
      /pii_vault_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/,
    );
    expect(body).toMatch(
      /pii_vault_http_request_duration_seconds_bucket\{le="\+Inf",method="POST",route="\/v1\/detokenize",status="200"\} 2/,
    );
    expect(body).toMatch(
      /pii_vault_tokens_total\{operation="tokenize",entity_type="EMAIL_ADDRESS",outcome="tokenized"\} 1/,
    );
    expect(body).toMatch(
      /pii_vault_tokens_total\{operation="detokenize",entity_type="EMAIL_ADDRESS",outcome="revealed"\} 2/,
    );
    expect(body).toMatch(
      /pii_vault_tokens_total\{operation="detokenize",entity_type="none",outcome="unknown"\} 1/,
    );
    // Detection ran on the detection thread (PII_VAULT_DETECT_THREADS defaults to 1), not the loop.
    expect(body).toMatch(/pii_vault_detection_duration_seconds_count\{lane="threads"\} [1-9]/);
    expect(body).not.toMatch(/pii_vault_detection_duration_seconds_count\{lane="loop"\}/);
    expect(body).toMatch(new RegExp(`pii_vault_vault_entries ${tokens.length}\n`));
    expect(body).toMatch(/pii_vault_db_pool_connections\{state="max"\} 16/);
    expect(body).toMatch(/pii_vault_audit_write_failures_total 0/);
  });

  it('splits each answered tokenize and detokenize into handler phases, one observation each', async () => {
    const { body } = await service.request<string>('GET', '/metrics', { key: METRICS_TOKEN });
    const count = (operation: string, phase: string) =>
      new RegExp(
        `pii_vault_token_phase_seconds_count\\{operation="${operation}",phase="${phase}"\\} (\\d+)`,
      ).exec(body)?.[1];
    for (const phase of ['policy', 'detect', 'blind_index', 'seal', 'store', 'assemble']) {
      expect([phase, count('tokenize', phase)]).toEqual([phase, '1']);
    }
    for (const phase of ['policy', 'parse', 'lookup', 'decrypt', 'budget', 'audit']) {
      expect([phase, count('detokenize', phase)]).toEqual([phase, '2']);
    }
    expect(count('tokenize', 'lookup')).toBeUndefined();
  });

  it('refuses /metrics without the metrics token when one is configured', async () => {
    expect((await service.request('GET', '/metrics', { key: null })).status).toBe(401);
    expect((await service.request('GET', '/metrics', { key: userKey })).status).toBe(401);
  });

  it('logs one JSON line per request with ids, route template, status and duration, and no value, token or key', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const logs = service.logs();
    for (const value of [...Object.values(values), ...tokens, userKey, ADMIN_KEY]) {
      expect(logs).not.toContain(value);
    }
    expect(logs).not.toContain('grace.');
    const lines = logs
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const tokenize = lines.find(
      (l) => (l.req as { id?: string } | undefined)?.id === 'workload-tokenize-1',
    );
    expect(tokenize).toMatchObject({
      route: '/v1/tokenize',
      status: 200,
      keyId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tenant: expect.stringMatching(/^[0-9a-f-]{36}$/),
      durationMs: expect.any(Number),
      req: { method: 'POST' },
    });
    const requestLines = lines.filter(
      (l) => l.msg === 'request completed' || l.msg === 'request failed',
    );
    expect(requestLines.length).toBeGreaterThanOrEqual(9);
    for (const line of requestLines) {
      expect(Object.keys(line)).not.toEqual(expect.arrayContaining(['url']));
      expect(JSON.stringify(line)).not.toMatch(/authorization|Bearer/i);
    }
  });

  it('keeps a plain X-Request-Id and returns a generated one otherwise', async () => {
    const kept = await service.request('GET', '/health/live', {
      key: null,
      headers: { 'x-request-id': 'trace-abc.123' },
    });
    expect(kept.headers.get('x-request-id')).toBe('trace-abc.123');
    const generated = await service.request('GET', '/health/live', { key: null });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const replaced = await service.request('GET', '/health/live', {
      key: null,
      headers: { 'x-request-id': 'has spaces and "quotes"' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers, no x-powered-by, and no CORS headers when CORS_ORIGINS is unset', async () => {
    const res = await service.request('POST', '/v1/detect', {
      key: userKey,
      body: { text: 'hello' },
      headers: { origin: 'https://evil.example' },
    });
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('content-security-policy')).toContain("object-src 'none'");
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers liveness and readiness, naming each readiness check', async () => {
    const live = await service.request('GET', '/health/live', { key: null });
    expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await service.request('GET', '/health/ready', { key: null });
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, migrations: { status: 'up' }, keys: { status: 'up' } },
    });
  });
});

describe('CORS, readiness and start-up configuration', () => {
  it('allows cross-origin calls only from the origins in CORS_ORIGINS', async () => {
    const db = await createDatabase('ops');
    const service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: { CORS_ORIGINS: 'https://app.example' },
    });
    try {
      const preflight = (origin: string) =>
        service.request('OPTIONS', '/v1/tokenize', {
          key: null,
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization,content-type',
          },
        });
      const allowed = await preflight('https://app.example');
      expect(allowed.status).toBeLessThan(300);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
      const other = await preflight('https://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await service.stop();
    }
  });

  it('is not ready, naming the keys check, when the master key did not wrap the stored keys', async () => {
    const db = await createDatabase('ops');
    const first = await Service.start({ databaseUrl: db.url, masterKey: newMasterKey() });
    expect((await first.post('/v1/tokenize', { text: 'write to ada@example.org' })).status).toBe(
      200,
    );
    await first.stop();
    const wrongKey = await Service.start({ databaseUrl: db.url, masterKey: newMasterKey() });
    try {
      const ready = await wrongKey.request('GET', '/health/ready', { key: null });
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({
        error: { code: 'not_ready', details: { failed: ['keys'] } },
      });
      expect((await wrongKey.request('GET', '/health', { key: null })).status).toBe(503);
      expect((await wrongKey.request('GET', '/health/live', { key: null })).status).toBe(200);
    } finally {
      await wrongKey.stop();
    }
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PII_VAULT_MASTER_KEY', { PII_VAULT_MASTER_KEY: 'c2hvcnQ=' }],
    ['PII_VAULT_RATE_LIMIT_PER_MINUTE', { PII_VAULT_RATE_LIMIT_PER_MINUTE: 'lots' }],
    ['PII_VAULT_RATE_LIMIT_STORE', { PII_VAULT_RATE_LIMIT_STORE: 'redis' }],
    [
      'TLS_CERT_FILE',
      { TLS_CERT_FILE: '/nonexistent/cert.pem', TLS_KEY_FILE: '/nonexistent/key.pem' },
    ],
    ['TLS_KEY_FILE', { TLS_CERT_FILE: '/nonexistent/cert.pem' }],
  ])('refuses to start with a bad %s and names it', async (name, env) => {
    const db = await createDatabase('ops');
    const result = await Service.startFailing({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: env as Record<string, string>,
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain(name);
  });
});
