import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { DiscoveryController } from './discovery.controller';

@Module({ imports: [TokensModule], controllers: [DiscoveryController] })
export class DiscoveryModule {}
