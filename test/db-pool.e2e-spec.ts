import { setTimeout as sleep } from 'node:timers/promises';
import { createDatabase, newMasterKey, Service, withClient } from './support/service';

/** The service's connections to its database right now, by pool (application_name). */
async function connections(url: string, name: string): Promise<Record<string, number>> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ application_name: string; n: string }>(
      `SELECT application_name, count(*) AS n FROM pg_stat_activity
        WHERE datname = $1 AND application_name LIKE 'pii-vault%' GROUP BY 1`,
      [name],
    );
    return Object.fromEntries(rows.map((row) => [row.application_name, Number(row.n)]));
  });
}

/**
 * Reopening a pooled connection (a backend fork and SCRAM authentication) holds up the requests
 * that arrive when load rises after a lull: the pools are filled at start-up and kept open.
 */
describe('database connection pools', () => {
  it('opens the request and audit pools before listening and keeps them open past pg-pool’s 10 s idle default', async () => {
    const db = await createDatabase('pool');
    const service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: { PII_VAULT_DB_POOL_SIZE: '5' },
    });
    try {
      const atStart = await connections(db.url, db.name);
      expect(atStart['pii-vault']).toBe(5);
      expect(atStart['pii-vault-audit']).toBe(4);
      await sleep(11_500);
      const afterIdle = await connections(db.url, db.name);
      expect(afterIdle['pii-vault']).toBe(5);
      expect(afterIdle['pii-vault-audit']).toBe(4);
      const tokenized = await service.post('/v1/tokenize', { text: 'mail ann@example.org' });
      expect(tokenized.status).toBe(200);
    } finally {
      await service.stop();
    }
  });

  it('closes idle connections after PII_VAULT_DB_IDLE_TIMEOUT_SECONDS when an operator sets it', async () => {
    const db = await createDatabase('poolidle');
    const service = await Service.start({
      databaseUrl: db.url,
      masterKey: newMasterKey(),
      env: { PII_VAULT_DB_POOL_SIZE: '5', PII_VAULT_DB_IDLE_TIMEOUT_SECONDS: '1' },
    });
    try {
      let open = (await connections(db.url, db.name))['pii-vault'] ?? 0;
      for (let waited = 0; open > 1 && waited < 15_000; waited += 250) {
        await sleep(250);
        open = (await connections(db.url, db.name))['pii-vault'] ?? 0;
      }
      // At most one: a background job may have just taken one again.
      expect(open).toBeLessThanOrEqual(1);
      const tokenized = await service.post('/v1/tokenize', { text: 'mail ann@example.org' });
      expect(tokenized.status).toBe(200);
    } finally {
      await service.stop();
    }
  });
});
