import { contractRoutes, loadContract, scimTenantView } from '../src/openapi';

describe('the SCIM view of the contract (Swagger UI’s default definition)', () => {
  const contract = loadContract().document;
  const view = scimTenantView(contract);

  it('has every SCIM route of the contract, under the tenant’s base URL as a server variable', () => {
    const scimRoutes = Object.entries(contractRoutes(contract))
      .filter(([path]) => path.startsWith('/scim/v2/{tenant}/'))
      .map(([path, methods]) => [path.slice('/scim/v2/{tenant}'.length), methods]);
    expect(scimRoutes.length).toBeGreaterThan(10);
    expect(Object.entries(contractRoutes(view)).sort()).toEqual(scimRoutes.sort());
    expect(view.servers).toEqual([
      expect.objectContaining({ url: '/scim/v2/{tenant}', variables: { tenant: expect.objectContaining({ default: expect.any(String) }) } }),
    ]);
  });

  it('asks for the tenant nowhere else, and keeps every other parameter and operation as written', () => {
    for (const [path, item] of Object.entries(view.paths)) {
      const original = contract.paths[`/scim/v2/{tenant}${path}`];
      const { parameters: pathParameters = [], ...operations } = item as { parameters?: { name: string }[] } & Record<
        string,
        { parameters?: { name: string }[] }
      >;
      expect(pathParameters.map((p) => p.name)).not.toContain('tenant');
      for (const [method, operation] of Object.entries(operations)) {
        const { parameters = [], ...rest } = operation;
        const { parameters: originalParameters = [], ...originalRest } = original[method] as { parameters?: { name: string }[] };
        expect(rest).toEqual(originalRest);
        expect(parameters).toEqual(originalParameters.filter((p) => p.name !== 'tenant'));
      }
    }
  });

  it('lists only the tags its operations use, and leaves the contract itself untouched', () => {
    const names = (view.tags as { name: string }[]).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['Users', 'Groups', 'Discovery', 'Me']));
    expect(names).not.toContain('Tenants');
    expect(Object.keys(contract.paths)).toContain('/scim/v2/{tenant}/Users');
    expect((contract.paths['/scim/v2/{tenant}/Users'].parameters as { name: string }[])[0].name).toBe('tenant');
  });
});
