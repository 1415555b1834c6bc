import { Document, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { commonAttributes, findAttribute, resourceTypes, type AttributeDefinition, type ResourceType, type SchemaDefinition } from '@roster/scim-core';

type Json = Record<string, unknown>;

/**
 * The contract's description of SCIM resources, derived from the schema registry that validates them, so the
 * two cannot say different things: for each resource type, `<Name>Attributes` (what a client writes and reads
 * back), `<Name>Write` (a request body: SCIM's required attributes, writeOnly ones) and `<Name>` (a response:
 * id, readOnly attributes, meta), and one component per extension schema. JSON Schema carries the types,
 * `required`, `readOnly`/`writeOnly`, lengths and item limits; `x-scim` carries what it cannot say (immutable,
 * returned, caseExact, uniqueness, canonical values, reference types), only where it differs from RFC 7643's
 * defaults. `npm run openapi:scim` writes them; a test fails when the contract and the registry differ.
 */
export function scimResourceSchemas(types: readonly ResourceType[] = resourceTypes): Record<string, Json> {
  const components: Record<string, Json> = {};
  for (const type of types) {
    const extensions = type.extensions.map((extension) => extension.schema);
    for (const schema of extensions) components[componentOf(schema)] = extensionSchema(schema);
    const externalId = findAttribute(commonAttributes, 'externalId')!;
    const writable = [externalId, ...type.schema.attributes].filter((a) => a.mutability !== 'readOnly' && a.mutability !== 'writeOnly');
    components[`${type.name}Attributes`] = {
      type: 'object',
      description: `${type.description}: the attributes a client writes and reads back (${type.schema.id}).`,
      properties: {
        ...properties(writable),
        ...Object.fromEntries(extensions.map((schema) => [schema.id, { $ref: `#/components/schemas/${componentOf(schema)}` }])),
      },
    };
    const writeOnly = type.schema.attributes.filter((a) => a.mutability === 'writeOnly');
    components[`${type.name}Write`] = {
      description:
        `A ${type.name} as a client sends it (POST, PUT). Unknown attributes, readOnly echoes, null values and unknown schema URNs ` +
        'are ignored; writeOnly attributes are accepted and never returned.',
      allOf: [
        { $ref: `#/components/schemas/${type.name}Attributes` },
        {
          type: 'object',
          ...requiredOf(type.schema.attributes),
          properties: { schemas: { type: 'array', items: { type: 'string' } }, ...properties(writeOnly) },
        },
      ],
    };
    const readOnly = type.schema.attributes.filter((a) => a.mutability === 'readOnly');
    components[type.name] = {
      description: `A ${type.name} as Roster returns it: schemas and id always, every other attribute unless attributes/excludedAttributes leave it out (RFC 7644 §3.4.2.5).`,
      allOf: [
        { $ref: `#/components/schemas/${type.name}Attributes` },
        {
          type: 'object',
          required: ['schemas', 'id'],
          properties: {
            schemas: { type: 'array', items: { type: 'string' } },
            id: { type: 'string' },
            ...properties(readOnly),
            meta: { $ref: '#/components/schemas/Meta' },
          },
        },
      ],
    };
  }
  return components;
}

/**
 * The YAML contract with its SCIM resource components replaced by those the registry gives, and nothing else
 * touched: each component's lines are swapped for the generated ones (a missing one goes first among the
 * schemas), so the hand-written rest keeps its layout byte for byte.
 */
export function withScimResourceSchemas(contract: string, types: readonly ResourceType[] = resourceTypes): string {
  let lines = contract.split('\n');
  for (const [name, schema] of Object.entries(scimResourceSchemas(types))) {
    const document = new Document({ [name]: schema });
    flowLeaves(document.contents);
    const block = document
      .toString({ lineWidth: 0, flowCollectionPadding: true })
      .trimEnd()
      .split('\n')
      .map((line) => `    ${line}`);
    const start = lines.indexOf(`    ${name}:`);
    if (start < 0) {
      // Before the resource's other components when there are some, else first among the schemas.
      const sibling = types.map((type) => type.name).find((type) => name.startsWith(type) && lines.includes(`    ${type}Write:`));
      const at = sibling ? lines.indexOf(`    ${sibling}Write:`) : lines.indexOf('  schemas:') + 1;
      lines = [...lines.slice(0, at), ...block, '', ...lines.slice(at)];
      continue;
    }
    let end = start + 1;
    while (end < lines.length && !/^ {0,4}\S/.test(lines[end])) end++;
    // Keep the blank lines that separated it from the next component.
    while (end > start + 1 && lines[end - 1].trim() === '') end--;
    lines = [...lines.slice(0, start), ...block, ...lines.slice(end)];
  }
  return lines.join('\n');
}

/** The components as the contract holds them now, for comparison with scimResourceSchemas. */
export function contractComponents(contract: string, names: string[]): Record<string, unknown> {
  const schemas = (parseDocument(contract).toJS() as { components: { schemas: Record<string, unknown> } }).components.schemas;
  return Object.fromEntries(names.map((name) => [name, schemas[name]]));
}

function componentOf(schema: SchemaDefinition): string {
  return schema.name;
}

function extensionSchema(schema: SchemaDefinition): Json {
  return {
    type: 'object',
    description: `${schema.description} (${schema.id})`,
    properties: properties(schema.attributes.filter((a) => a.mutability !== 'writeOnly')),
  };
}

function properties(attributes: AttributeDefinition[]): Json {
  return Object.fromEntries(attributes.map((attribute) => [attribute.name, attributeSchema(attribute)]));
}

function requiredOf(attributes: AttributeDefinition[]): Json {
  const required = attributes.filter((a) => a.required).map((a) => a.name);
  return required.length ? { required } : {};
}

function attributeSchema(attribute: AttributeDefinition): Json {
  const value = attribute.type === 'complex' ? complexSchema(attribute) : scalarSchema(attribute);
  const schema: Json = attribute.multiValued ? { type: 'array', items: value, ...(attribute.maxItems ? { maxItems: attribute.maxItems } : {}) } : value;
  if (attribute.description) schema.description = attribute.description;
  if (attribute.mutability === 'readOnly') schema.readOnly = true;
  if (attribute.mutability === 'writeOnly') schema.writeOnly = true;
  const scim: Json = {
    // readOnly and writeOnly are JSON Schema's own keywords (above).
    ...(attribute.mutability === 'immutable' ? { mutability: 'immutable' } : {}),
    ...(attribute.returned !== 'default' ? { returned: attribute.returned } : {}),
    ...(attribute.caseExact ? { caseExact: true } : {}),
    ...(attribute.uniqueness !== 'none' ? { uniqueness: attribute.uniqueness } : {}),
    ...(attribute.canonicalValues ? { canonicalValues: attribute.canonicalValues } : {}),
    ...(attribute.referenceTypes ? { referenceTypes: attribute.referenceTypes } : {}),
  };
  if (Object.keys(scim).length) schema['x-scim'] = scim;
  return schema;
}

function complexSchema(attribute: AttributeDefinition): Json {
  const subs = attribute.subAttributes ?? [];
  return { type: 'object', ...requiredOf(subs), properties: properties(subs) };
}

function scalarSchema(attribute: AttributeDefinition): Json {
  const length = attribute.maxLength ? { maxLength: attribute.maxLength } : {};
  switch (attribute.type) {
    case 'boolean':
      return { type: 'boolean' };
    case 'integer':
      return { type: 'integer' };
    case 'decimal':
      return { type: 'number' };
    case 'dateTime':
      return { type: 'string', format: 'date-time' };
    case 'binary':
      return { type: 'string', contentEncoding: 'base64', ...length };
    default:
      return { type: 'string', ...length };
  }
}

// Maps and lists of scalars (or of such lists) are written on one line, as the rest of the contract is.
function flowLeaves(node: unknown): void {
  if (!isMap(node) && !isSeq(node)) return;
  const items = node.items.map((item) => (isMap(node) ? (item as { value: unknown }).value : item));
  items.forEach(flowLeaves);
  if (items.every((item) => isScalar(item) || (isSeq(item) && item.items.every(isScalar)))) node.flow = true;
}
