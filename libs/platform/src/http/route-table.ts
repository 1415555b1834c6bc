/** Known (method, path template) pairs, used to tell 405 Method Not Allowed from 404. */
export class RouteTable {
  private readonly routes: { pattern: RegExp; methods: Set<string> }[] = [];

  constructor(paths: Record<string, string[]>) {
    for (const [template, methods] of Object.entries(paths)) {
      const source = template
        .split('/')
        .map((segment) => (/^\{.+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      this.routes.push({ pattern: new RegExp(`^${source}/?$`, 'i'), methods: new Set(methods.map((m) => m.toUpperCase())) });
    }
  }

  /** Methods allowed on a path, or an empty list when no route has that shape. */
  allowedMethods(path: string): string[] {
    const allowed = new Set<string>();
    for (const route of this.routes) if (route.pattern.test(path)) route.methods.forEach((m) => allowed.add(m));
    if (allowed.has('GET')) allowed.add('HEAD');
    return [...allowed];
  }
}
