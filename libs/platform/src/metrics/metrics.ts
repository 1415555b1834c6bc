import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { NextFunction, Request, Response } from 'express';
import '../scim/scim-request';

/**
 * Prometheus metrics of one process (GET /metrics). Route labels are templates (`/scim/v2/:tenant/Users/:id`),
 * never concrete paths, so the number of series stays bounded; tenants appear as their id, and only on
 * authenticated SCIM operations.
 */
export class RosterMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'roster_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'roster_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly scimOperations = new Counter({
    name: 'roster_scim_operations_total',
    help: 'Authenticated SCIM operations by tenant id, resource, method and status',
    labelNames: ['tenant', 'resource', 'method', 'status'],
    registers: [this.registry],
  });
  private readonly rejections = new Counter({
    name: 'roster_auth_rejections_total',
    help: 'Rejected SCIM authentications and throttled requests, by status',
    labelNames: ['status'],
    registers: [this.registry],
  });

  private readonly uncaught = new Counter({
    name: 'roster_uncaught_errors_total',
    help: 'Errors thrown where no request could answer them (logged; the process goes on), by kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'roster_' });
  }

  countUncaught(kind: 'exception' | 'rejection'): void {
    this.uncaught.inc({ kind });
  }

  /** The database connection pool, read at every scrape (PostgreSQL; SQLite has one connection and no pool). */
  watchDatabasePool(stats: () => { total: number; idle: number; waiting: number } | undefined): void {
    new Gauge({
      name: 'roster_db_pool_connections',
      help: 'Database pool connections by state: total, idle, and requests waiting for one',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const current = stats();
        if (!current) return;
        for (const [state, value] of Object.entries(current)) this.set({ state }, value);
      },
    });
  }

  /** Event-stream delivery, read at every scrape: events not yet delivered or acknowledged, and failing streams. */
  watchEventStreams(read: () => Promise<{ backlog: number; failing: number }>): void {
    let latest: Promise<{ backlog: number; failing: number }> | undefined;
    // One database read per scrape for both gauges.
    const current = () => (latest ??= read().finally(() => setTimeout(() => (latest = undefined), 0)));
    new Gauge({
      name: 'roster_event_backlog',
      help: 'Provisioning events committed but not yet delivered (push) or acknowledged (poll), over all streams',
      registers: [this.registry],
      async collect() {
        this.set((await current()).backlog);
      },
    });
    new Gauge({
      name: 'roster_event_streams_failing',
      help: 'Event streams whose last delivery attempt failed',
      registers: [this.registry],
      async collect() {
        this.set((await current()).failing);
      },
    });
  }

  /** Express middleware: observes every request when it finishes. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        const route = req.route ? `${req.baseUrl}${String((req.route as { path: string }).path)}` : 'unmatched';
        const labels = { method: req.method, route, status: String(res.statusCode) };
        this.requests.inc(labels);
        this.latency.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
        const scim = /^\/scim\/v2\/[^/]+\/([^/?]+)/.exec(req.path);
        // Tenant labels only for authenticated calls: unknown base URLs must not create series.
        if (scim && req.scimCaller && route !== 'unmatched')
          this.scimOperations.inc({ tenant: req.scimCaller.tenantId, resource: scim[1].slice(0, 32), method: req.method, status: labels.status });
        if (scim && (res.statusCode === 401 || res.statusCode === 403 || res.statusCode === 429)) this.rejections.inc({ status: labels.status });
      });
      next();
    };
  }
}
