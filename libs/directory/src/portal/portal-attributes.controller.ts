import { Controller, Get } from '@nestjs/common';
import type { PortalAttributes } from '@roster/contract';
import { PortalAuthenticated } from '@roster/platform';
import { UserResourceType, type AttributeDefinition, type SchemaDefinition } from '@roster/scim-core';

/**
 * What Roster reads of a learner, schema by schema, straight from the schema registry (so an attribute added
 * there appears here): the portal's attribute-mapping page puts the recommended identity-provider source
 * beside each.
 */
@Controller('portal/api/v1/attributes')
@PortalAuthenticated()
export class PortalAttributesController {
  @Get()
  attributes(): PortalAttributes {
    const schemas = [{ schema: UserResourceType.schema, core: true }, ...UserResourceType.extensions.map((e) => ({ schema: e.schema, core: false }))];
    return { schemas: schemas.map(({ schema, core }) => ({ urn: schema.id, name: schema.name, core, attributes: flatten(schema) })) };
  }
}

function flatten(schema: SchemaDefinition): PortalAttributes['schemas'][number]['attributes'] {
  const rows: PortalAttributes['schemas'][number]['attributes'] = [];
  const add = (attribute: AttributeDefinition, prefix: string) => {
    if (attribute.mutability === 'readOnly' || attribute.returned === 'never') return;
    const path = prefix + attribute.name;
    if (attribute.type === 'complex' && attribute.subAttributes?.length) {
      for (const sub of attribute.subAttributes) add(sub, `${path}${attribute.multiValued ? '[].' : '.'}`);
      return;
    }
    rows.push({
      path,
      type: attribute.type,
      multiValued: attribute.multiValued,
      required: attribute.required,
      description: attribute.description,
      ...(attribute.canonicalValues ? { canonicalValues: attribute.canonicalValues } : {}),
    });
  };
  for (const attribute of schema.attributes) add(attribute, '');
  return rows;
}
