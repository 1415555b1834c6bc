import { DateTimeType } from '@mikro-orm/core';
import { PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { ResourceDocument } from '@roster/scim-core';
import { newId } from './ids';

/**
 * What every SCIM resource row has: tenant, the canonical client-writable `document` (the source of
 * truth; other columns are derived from it for indexes), the version behind ETags, and timestamps.
 */
export abstract class ScimResourceEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'uuid' })
  tenantId: string;

  @Property({ type: 'string', length: 512, nullable: true })
  externalId?: string | null;

  @Property({ type: 'json' })
  document: ResourceDocument;

  @Property({ type: 'integer', version: true })
  version: number = 1;

  @Property({ type: DateTimeType })
  createdAt: Date = new Date();

  @Property({ type: DateTimeType })
  updatedAt: Date = new Date();
}
