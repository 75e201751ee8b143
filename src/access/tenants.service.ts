import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export const DEFAULT_TENANT = 'default';

@Injectable()
export class TenantsService {
  private readonly ids = new Map<string, string>();

  constructor(private readonly db: DataSource) {}

  /** The tenant's id, or undefined when no tenant has that name. */
  async find(name: string): Promise<string | undefined> {
    const cached = this.ids.get(name);
    if (cached) return cached;
    const rows = (await this.db.query(`SELECT id FROM tenants WHERE name = $1`, [name])) as {
      id: string;
    }[];
    return rows[0]?.id;
  }

  /** The tenant's id, creating the tenant on first use. */
  async ensure(name: string): Promise<string> {
    const cached = this.ids.get(name);
    if (cached) return cached;
    await this.db.query(`INSERT INTO tenants (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [
      name,
    ]);
    const rows = (await this.db.query(`SELECT id FROM tenants WHERE name = $1`, [name])) as {
      id: string;
    }[];
    this.ids.set(name, rows[0].id);
    return rows[0].id;
  }
}
