import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { MeController } from './me.controller';
import { UserGroupsQuery } from './user-groups.query';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TokensModule],
  controllers: [UsersController, MeController],
  providers: [UsersService, UsersRepository, UserGroupsQuery],
  exports: [UsersService, UsersRepository],
})
export class UsersModule {}
