import { MigrationInterface, QueryRunner } from 'typeorm';

export class GatewayUpstreams1763900013100 implements MigrationInterface {
  name = 'GatewayUpstreams1763900013100';

  public async up(q: QueryRunner): Promise<void> {
    // A tenant's own upstream model API: its URL and API key, sealed together under the tenant's
    // data key (AAD: tenant, record kind, tenant id), like discovery connection URLs.
    await q.query(`
      CREATE TABLE gateway_upstreams (
        tenant_id uuid PRIMARY KEY REFERENCES tenants(id),
        host text NOT NULL,
        ciphertext bytea NOT NULL,
        iv bytea NOT NULL,
        auth_tag bytea NOT NULL,
        key_version integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gateway_upstreams`);
  }
}
