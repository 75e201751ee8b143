import { Injectable } from '@nestjs/common';
import { associatedData, open, seal } from './aead';
import { KeyringService } from './keyring.service';
import type { EncryptedValue } from './vault-cipher.service';

/**
 * Encrypts a tenant's operational secrets (discovery connection URLs with their passwords)
 * under the tenant's data key. The AAD binds the tenant, what kind of record holds the secret
 * and that record's id, so a ciphertext copied to another row or tenant fails to decrypt.
 */
@Injectable()
export class SecretCipherService {
  constructor(private readonly keyring: KeyringService) {}

  async encrypt(
    tenantId: string,
    kind: string,
    recordId: string,
    secret: string,
  ): Promise<EncryptedValue> {
    const { version, key } = await this.keyring.activeDataKey(tenantId);
    const sealed = seal(key, Buffer.from(secret, 'utf8'), this.aad(tenantId, kind, recordId));
    return { ...sealed, keyVersion: version };
  }

  async decrypt(
    tenantId: string,
    kind: string,
    recordId: string,
    value: EncryptedValue,
  ): Promise<string> {
    const key = await this.keyring.dataKey(tenantId, value.keyVersion);
    return open(key, value, this.aad(tenantId, kind, recordId)).toString('utf8');
  }

  private aad(tenantId: string, kind: string, recordId: string): Buffer {
    return associatedData('tenant-secret', tenantId, kind, recordId);
  }
}
