import { Controller, Delete, Get, Patch, Post, Put } from '@nestjs/common';
import { ScimAuthenticated } from '@roster/platform';
import { ScimError } from '@roster/scim-core';

/**
 * RFC 7644 §3.11 `/Me`: the resource of the authenticated subject. A Roster token belongs to a tenant's
 * identity provider, not to a user, so there is no "me": every method answers 501, as §3.11 allows.
 */
@Controller('scim/v2/:tenant/Me')
@ScimAuthenticated()
export class MeController {
  @Get()
  get(): never {
    throw notImplemented();
  }

  @Post()
  create(): never {
    throw notImplemented();
  }

  @Put()
  replace(): never {
    throw notImplemented();
  }

  @Patch()
  patch(): never {
    throw notImplemented();
  }

  @Delete()
  delete(): never {
    throw notImplemented();
  }
}

function notImplemented(): ScimError {
  return new ScimError(501, undefined, '/Me is not supported: a Roster token belongs to an identity provider, not to a user; use /Users/{id}');
}
