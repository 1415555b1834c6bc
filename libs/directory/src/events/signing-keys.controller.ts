import { Body, Controller, Get, HttpCode, Logger, Post } from '@nestjs/common';
import type { RotateSigningKeyRequest, SigningKey, SigningKeyList } from '@roster/contract';
import { AdminAuthenticated, ContractBody } from '@roster/platform';
import { SigningKeys, type SigningKeyView } from './signing-keys';

@Controller('admin/v1/signing-keys')
@AdminAuthenticated()
export class SigningKeysController {
  private readonly logger = new Logger('SigningKeys');

  constructor(private readonly keys: SigningKeys) {}

  @Get()
  async list(): Promise<SigningKeyList> {
    return { items: (await this.keys.list()).map(toBody) };
  }

  @Post('rotate')
  @HttpCode(201)
  async rotate(@Body(new ContractBody('RotateSigningKeyRequest')) body: RotateSigningKeyRequest | undefined): Promise<SigningKey> {
    const key = await this.keys.rotate(body?.overlapSeconds);
    // Keys belong to no tenant, so the rotation is in the server log rather than a tenant's audit trail.
    this.logger.log(`signing key rotated: ${key.kid} signs from now on`);
    return toBody(key);
  }
}

function toBody(key: SigningKeyView): SigningKey {
  return { kid: key.kid, algorithm: 'ES256', createdAt: key.createdAt.toISOString(), retiresAt: key.retiresAt?.toISOString() ?? null, active: key.active };
}
