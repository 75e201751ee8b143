/** Who is calling: resolved from the API key on every authenticated request. */
export interface Principal {
  keyId: string;
  tenantId: string;
  tenantName: string;
  roles: readonly string[];
  /** The key's own limits; undefined means the configured default. */
  rateLimitPerMinute?: number;
  revealBudgetPerHour?: number;
}

/** Full rights inside the key's tenant: policies, API keys, audit, discovery. */
export const ROLE_ADMIN = 'admin';
/** Platform role: may manage API keys of any tenant (the bootstrap key has it). */
export const ROLE_OPERATOR = 'operator';
