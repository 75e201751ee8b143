/**
 * The ceilings of `npm run bench`, in a process of their own: bare Fastify and a pg pool the size
 * of the service's (PII_VAULT_DB_POOL_SIZE's default, 16). No Nest, no authentication, no
 * logging, metrics or headers: what any service on this machine pays at least per request.
 *
 * - POST /noop answers `{}`.
 * - POST /insert makes one durable INSERT into CEILING_TABLE.
 * - POST /detect-insert runs the product's detection engine on the body's `text`, with the
 *   options tokenize uses under the built-in policy, then makes the same one INSERT: the least a
 *   tokenize request can cost, since every tokenize must detect.
 *
 * The bench runs two of these: one with CEILING_DETECT=1 for /detect-insert, and one without the
 * engine for /noop and /insert.
 *
 * CEILING_TABLE is the bench's own: bench/http.ts creates it before starting this process and
 * drops it afterwards. Run: node dist/bench/ceiling-server.js with DATABASE_URL, PORT, HOST.
 */
import fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DetectionEngine } from '../src/detection';
import { BUILTIN_POLICY, detectOptionsFor } from '../src/policy/policy-document';

export const CEILING_TABLE = 'bench_ceiling_rows';

/** Same columns as the service's former ceiling table: a bigserial id, a tenant, a timestamp. */
export const CREATE_CEILING_TABLE = `CREATE TABLE IF NOT EXISTS ${CEILING_TABLE} (
  id bigserial PRIMARY KEY,
  tenant_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)`;

const POOL_SIZE = 16;

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is required');
  const pool = new Pool({
    connectionString: databaseUrl,
    max: POOL_SIZE,
    // As the service's pool: connections stay open (PII_VAULT_DB_IDLE_TIMEOUT_SECONDS=0).
    idleTimeoutMillis: 0,
    application_name: 'pii-vault-bench-ceiling',
  });
  const tenantId = randomUUID();
  // Only the detect+INSERT process holds the engine: its 60 MB of word lists and weights would
  // lengthen every full collection of the INSERT and no-op ceilings too.
  const engine = process.env.CEILING_DETECT === '1' ? new DetectionEngine() : undefined;
  const options = detectOptionsFor(BUILTIN_POLICY);
  const insert = async (): Promise<string> => {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO ${CEILING_TABLE} (tenant_id) VALUES ($1) RETURNING id`,
      [tenantId],
    );
    return rows[0].id;
  };

  const app = fastify({ logger: false });
  app.get('/health/live', () => ({ status: 'ok' }));
  app.post('/noop', () => ({}));
  app.post('/insert', async () => ({ id: await insert() }));
  app.post<{ Body: { text?: unknown } }>('/detect-insert', async (request, reply) => {
    const text = request.body?.text;
    if (!engine) return reply.status(404).send({ error: 'started without CEILING_DETECT=1' });
    if (typeof text !== 'string') return reply.status(400).send({ error: 'text is required' });
    const entities = engine.detect(text, options);
    return { entities: entities.length, id: await insert() };
  });

  await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' });
  const stop = () => {
    app
      .close()
      .then(() => pool.end())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
