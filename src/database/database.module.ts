import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from './data-source';
// Registers how the exception filter recognises "database down" (SQLSTATE and driver codes).
import './database-errors';

@Module({})
export class DatabaseModule {
  static forRoot(url: string, poolSize: number): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(url, poolSize),
          retryAttempts: 2,
          retryDelay: 1000,
        }),
      ],
    };
  }
}
