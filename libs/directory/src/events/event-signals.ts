import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/**
 * In-process wake-ups: "a tenant's events were committed". The dispatcher and long polls react at once to
 * this process's writes; other processes' writes are found by their periodic look at the database.
 */
@Injectable()
export class EventSignals {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  committed(tenantId: string): void {
    this.emitter.emit('committed', tenantId);
  }

  onCommitted(listener: (tenantId: string) => void): () => void {
    this.emitter.on('committed', listener);
    return () => this.emitter.off('committed', listener);
  }

  /** Resolves when the tenant has new events, after `ms`, or when aborted, whichever comes first. */
  waitFor(tenantId: string, ms: number, abort?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        off();
        abort?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const off = this.onCommitted((committed) => committed === tenantId && done());
      abort?.addEventListener('abort', done);
    });
  }
}
