import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Injectable, type PipeTransform } from '@nestjs/common';
import { ScimError } from '@roster/scim-core';
import { loadContract } from './contract-document';

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schemaName: string): ValidateFunction {
  let validate = compiled.get(schemaName);
  if (!validate) {
    if (!ajv) {
      ajv = new Ajv2020({ allErrors: false, strict: false });
      addFormats(ajv);
      ajv.addSchema({ $id: 'contract', components: loadContract().document.components }, 'contract');
    }
    validate = ajv.getSchema(`contract#/components/schemas/${schemaName}`);
    if (!validate) throw new Error(`No schema "${schemaName}" in the contract`);
    compiled.set(schemaName, validate);
  }
  return validate;
}

/** Validates a value against a component schema of the contract; the contract is the only rulebook. */
export function assertMatchesContract<T>(schemaName: string, value: unknown): T {
  const validate = validatorFor(schemaName);
  if (!validate(value)) {
    const error = validate.errors?.[0];
    const where = error?.instancePath ? error.instancePath.slice(1).replace(/\//g, '.') : 'body';
    const extra = error?.keyword === 'additionalProperties' ? ` ("${(error.params as { additionalProperty: string }).additionalProperty}")` : '';
    throw ScimError.invalidValue(`Invalid ${where}: ${error?.message ?? 'does not match the contract'}${extra}`);
  }
  return value as T;
}

/** `@Body(new ContractBody('CreateTenantRequest'))`: admin bodies are checked against the OpenAPI schema. */
@Injectable()
export class ContractBody implements PipeTransform {
  constructor(private readonly schemaName: string) {}
  transform(value: unknown) {
    return assertMatchesContract(this.schemaName, value ?? {});
  }
}
