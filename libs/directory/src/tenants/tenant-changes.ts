import { Injectable } from '@nestjs/common';

/**
 * Tells this process's caches that a tenant's settings changed (disabled, enabled, a new rate), right after
 * the change commits, so the process that made the change never serves the old settings. The tokens module
 * listens (its remembered authentications); the tenants module cannot call it directly, since tokens
 * depends on tenants.
 */
@Injectable()
export class TenantChanges {
  private readonly listeners: ((tenantId: string) => void)[] = [];

  onChange(listener: (tenantId: string) => void): void {
    this.listeners.push(listener);
  }

  changed(tenantId: string): void {
    for (const listener of this.listeners) listener(tenantId);
  }
}
