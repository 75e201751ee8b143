import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { associatedData, open, seal } from './aead';
import { KeyringService } from './keyring.service';

export interface EncryptedValue {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  keyVersion: number;
}

/** What a vault value's ciphertext is bound to: moved to another row, it no longer decrypts. */
export interface ValueBinding {
  tenantId: string;
  token: string;
  entityType: string;
}

/** Encrypts vault values under tenant data keys and computes their blind index. */
@Injectable()
export class VaultCipherService {
  constructor(private readonly keyring: KeyringService) {}

  async encrypt(binding: ValueBinding, value: string): Promise<EncryptedValue> {
    const { version, key } = await this.keyring.activeDataKey(binding.tenantId);
    const sealed = seal(key, Buffer.from(value, 'utf8'), this.aad(binding));
    return { ...sealed, keyVersion: version };
  }

  async decrypt(binding: ValueBinding, value: EncryptedValue): Promise<string> {
    const key = await this.keyring.dataKey(binding.tenantId, value.keyVersion);
    return open(key, value, this.aad(binding)).toString('utf8');
  }

  /** HMAC-SHA-256 over (type, value) under the tenant's blind-index key: equality without decrypting. */
  async blindIndex(tenantId: string, entityType: string, value: string): Promise<Buffer> {
    const key = await this.keyring.blindIndexKey(tenantId);
    return createHmac('sha256', key).update(associatedData(entityType, value)).digest();
  }

  private aad(binding: ValueBinding): Buffer {
    return associatedData('vault-value', binding.tenantId, binding.token, binding.entityType);
  }
}
