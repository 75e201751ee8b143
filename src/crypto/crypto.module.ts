import { DynamicModule, Module } from '@nestjs/common';
import { AuditMac } from './audit-mac';
import { MASTER_KEY } from './crypto.tokens';
import { KeyringRepository } from './keyring.repository';
import { KeyringService } from './keyring.service';
import type { MasterKey } from './master-key';
import { SecretCipherService } from './secret-cipher.service';
import { VaultCipherService } from './vault-cipher.service';

@Module({})
export class CryptoModule {
  static forRoot(masterKey: MasterKey): DynamicModule {
    return {
      module: CryptoModule,
      global: true,
      providers: [
        { provide: MASTER_KEY, useValue: masterKey },
        KeyringService,
        KeyringRepository,
        VaultCipherService,
        SecretCipherService,
        { provide: AuditMac, useValue: new AuditMac(masterKey.key) },
      ],
      exports: [KeyringService, VaultCipherService, SecretCipherService, AuditMac],
    };
  }
}
