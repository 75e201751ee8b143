import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { BenchSwitches } from './bench-switches';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: BenchSwitches, useValue: new BenchSwitches() },
      ],
      exports: [AppConfig, BenchSwitches],
    };
  }
}
