import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { OnboardingController } from './onboarding.controller';
import { TenantOnboarding } from './tenant-onboarding';

/** A new tenant with its first token: above tenants and tokens, which it composes. */
@Module({
  imports: [TokensModule],
  controllers: [OnboardingController],
  providers: [TenantOnboarding],
  exports: [TenantOnboarding],
})
export class OnboardingModule {}
