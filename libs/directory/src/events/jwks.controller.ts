import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '@roster/platform';
import { SigningKeys } from './signing-keys';

/** The public keys that verify Roster's SETs (RFC 7517), current and not yet retired. */
@Controller('.well-known')
@Public()
export class JwksController {
  constructor(private readonly keys: SigningKeys) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks() {
    return this.keys.jwks();
  }
}
