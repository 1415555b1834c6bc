import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { ReconciliationService } from './reconciliation.service';

@Module({ imports: [UsersModule], providers: [ReconciliationService], exports: [ReconciliationService] })
export class ReconciliationModule {}
