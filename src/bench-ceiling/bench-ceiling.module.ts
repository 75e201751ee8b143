import { Module } from '@nestjs/common';
import { BenchCeilingController } from './bench-ceiling.controller';

@Module({ controllers: [BenchCeilingController] })
export class BenchCeilingModule {}
