import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth-context/principal';
import { AuditService } from '../audit/audit.service';
import { ErrorCode, VaultError } from '../common/errors';
import { VaultCipherService } from '../crypto/vault-cipher.service';
import { BUILTIN_ENTITY_TYPES } from '../detection';
import { PolicyDocument } from '../policy/policy-document';
import { PolicyService } from '../policy/policy.service';
import { linkedFormsOf, linkedIndexValue } from './name-linking';
import { VaultRepository } from './vault.repository';

export interface ForgetRequest {
  value?: string;
  token?: string;
  type?: string;
}

/**
 * Forgets a subject: deletes every vault entry of a value (in all scopes), found through the blind
 * index, so its tokens answer "unknown". Given a token, forgets the value behind it.
 */
@Injectable()
export class ForgetService {
  constructor(
    private readonly vault: VaultRepository,
    private readonly cipher: VaultCipherService,
    private readonly audit: AuditService,
    private readonly policies: PolicyService,
  ) {}

  /** The tenant's governing policy names the entity types a value may have been stored as. */
  async forget(caller: Principal, request: ForgetRequest): Promise<{ deleted: number }> {
    const policy = await this.policies.resolveFor(caller);
    const keys = request.token
      ? [await this.vault.valueKeyOfToken(caller.tenantId, request.token)].filter(
          (k) => k !== undefined,
        )
      : await Promise.all(
          this.candidateTypes(policy, request.type).map(async (entityType) => ({
            entityType,
            blindIndex: await this.cipher.blindIndex(caller.tenantId, entityType, request.value!),
          })),
        );
    if (!request.token && request.value !== undefined && (request.type ?? 'PERSON') === 'PERSON')
      keys.push(...(await this.linkedNameKeys(caller.tenantId, request.value)));
    const deletedTypes = await this.vault.deleteValues(caller.tenantId, keys);
    await this.audit.record({
      tenantId: caller.tenantId,
      action: 'forget',
      apiKeyId: caller.keyId,
      roles: caller.roles,
      details: {
        by: request.token ? 'token' : 'value',
        deleted: deletedTypes.length,
        types: [...new Set(deletedTypes)],
      },
    });
    return { deleted: deletedTypes.length };
  }

  /** A full name's linked given/family entries (README "SPEC addendum: linked name tokens"). */
  private linkedNameKeys(
    tenantId: string,
    value: string,
  ): Promise<{ entityType: string; blindIndex: Buffer }[]> {
    return Promise.all(
      linkedFormsOf(value).map(async (link) => ({
        entityType: 'PERSON',
        blindIndex: await this.cipher.blindIndex(tenantId, 'PERSON', linkedIndexValue(link)),
      })),
    );
  }

  /** Without a type, the value is looked for under every type it could have been stored as. */
  private candidateTypes(policy: PolicyDocument, type: string | undefined): string[] {
    const custom = (policy.detection?.recognizers ?? []).map((r) => r.type);
    const all = [...BUILTIN_ENTITY_TYPES, ...custom];
    if (type === undefined) return all;
    if (!all.includes(type))
      throw new VaultError(ErrorCode.InvalidRequest, `type: unknown entity type ${type}`);
    return [type];
  }
}
