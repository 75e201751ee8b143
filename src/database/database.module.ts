import { DynamicModule, Module, OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { openPoolConnections } from '../common/sql';
import { dataSourceOptions, type PoolOptions } from './data-source';
// Registers how the exception filter recognises "database down" (SQLSTATE and driver codes).
import './database-errors';

/** Fills the request pool before the service listens. */
class PoolWarmer implements OnApplicationBootstrap {
  constructor(
    private readonly db: DataSource,
    private readonly pool: PoolOptions,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return openPoolConnections(this.db, this.pool.size);
  }
}

@Module({})
export class DatabaseModule {
  static forRoot(url: string, pool: PoolOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(url, pool),
          retryAttempts: 2,
          retryDelay: 1000,
        }),
      ],
      providers: [
        {
          provide: PoolWarmer,
          inject: [DataSource],
          useFactory: (db: DataSource) => new PoolWarmer(db, pool),
        },
      ],
    };
  }
}
