import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { TenantsRepository } from './tenants.repository';

export const DEFAULT_TENANT = 'default';

/** Tenant names whose ids are remembered; a tenant's id never changes, so no TTL. */
const CACHED_TENANTS = 10_000;

@Injectable()
export class TenantsService {
  private readonly ids = new LRUCache<string, string>({ max: CACHED_TENANTS });

  constructor(private readonly repository: TenantsRepository) {}

  /** The tenant's id, or undefined when no tenant has that name. */
  async find(name: string): Promise<string | undefined> {
    const cached = this.ids.get(name);
    if (cached) return cached;
    return this.repository.findId(name);
  }

  /** The tenant's id, creating the tenant on first use. */
  async ensure(name: string): Promise<string> {
    const cached = this.ids.get(name);
    if (cached) return cached;
    const id = await this.repository.ensureId(name);
    this.ids.set(name, id);
    return id;
  }
}
