import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { Client } from 'pg';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';

/** The PostgreSQL channel a transaction that recorded events notifies at commit, with its tenant id. */
export const EVENTS_CHANNEL = 'roster_events';
const RELISTEN_MS = 1000;

/**
 * Wake-ups: "a tenant's events were committed". The dispatcher and long polls react at once to this process's
 * writes; on PostgreSQL also to every other process's, through LISTEN on EVENTS_CHANNEL (the outbox notifies
 * in the recording transaction, so a notification arrives only for a committed write). On SQLite, other
 * processes' writes are found by the dispatcher's periodic look and the long poll's own deadline.
 */
@Injectable()
export class EventSignals implements OnApplicationShutdown {
  private readonly logger = new Logger('EventSignals');
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private listener?: Client;
  private listening = false;
  private stopped = false;

  constructor(@Inject(ROSTER_CONFIG) private readonly config: RosterConfig) {}

  committed(tenantId: string): void {
    this.emitter.emit('committed', tenantId);
  }

  onCommitted(listener: (tenantId: string) => void): () => void {
    this.listenAcrossProcesses();
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

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.listener?.end().catch(() => undefined);
  }

  /** On PostgreSQL, one connection per process LISTENs, from the first subscriber on; it reconnects when lost. */
  private listenAcrossProcesses(): void {
    if (this.listening || this.stopped || this.config.database.dialect !== 'postgresql') return;
    this.listening = true;
    const client = new Client({ connectionString: this.config.database.url });
    this.listener = client;
    const retry = (error: unknown) => {
      if (this.listener !== client) return;
      this.listener = undefined;
      this.listening = false;
      void client.end().catch(() => undefined);
      if (this.stopped) return;
      this.logger.warn(`listening for other processes' events failed (${String(error)}); again in ${RELISTEN_MS} ms`);
      setTimeout(() => this.listenAcrossProcesses(), RELISTEN_MS).unref();
    };
    client.on('notification', (message) => message.payload && this.committed(message.payload));
    client.on('error', retry);
    client
      .connect()
      .then(() => client.query(`LISTEN ${EVENTS_CHANNEL}`))
      .catch(retry);
  }
}
