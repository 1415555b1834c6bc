import { assertMatchesContract } from '@roster/platform';

/** Asserts a response body satisfies a component schema of the OpenAPI contract. */
export function expectContract(body: unknown, schemaName: string): void {
  expect(() => assertMatchesContract(schemaName, body)).not.toThrow();
}

export function expectScimError(res: { status: number; body: unknown; headers: Record<string, string> }, status: number, scimType?: string): void {
  expect(res.status).toBe(status);
  expectContract(res.body, 'ScimError');
  const body = res.body as { status: string; scimType?: string; schemas: string[]; detail?: string };
  expect(body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  expect(body.status).toBe(String(status));
  if (scimType) expect(body.scimType).toBe(scimType);
  expect(typeof body.detail).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+/); // never a stack trace
}
