import { Migration } from '@mikro-orm/migrations';

export class Migration20261201180001_events extends Migration {
  override name = 'Migration20261201180001_events';

  override up(): void | Promise<void> {
    this.addSql(`alter table "scim_tokens" add column "scope" varchar(16) not null default 'provision';`);
    this.addSql(
      `create table "event_sequences" ("tenant_id" uuid not null, "last_seq" bigint not null, "streams" int not null default 0, primary key ("tenant_id"));`,
    );
    this.addSql(
      `create table "provisioning_events" ("tenant_id" uuid not null, "seq" bigint not null, "txn" uuid not null, "resource_type" varchar(16) not null, "resource_id" uuid not null, "external_id" varchar(512) null, "kinds" varchar(64) not null, "version" varchar(64) null, "data" jsonb null, "attributes" jsonb not null, "occurred_at" timestamptz not null, primary key ("tenant_id", "seq"));`,
    );
    this.addSql(`create index "provisioning_events_occurred_idx" on "provisioning_events" ("occurred_at");`);
    this.addSql(
      `create table "event_streams" ("id" uuid not null, "tenant_id" uuid not null, "delivery" varchar(8) not null, "format" varchar(8) not null, "events" jsonb not null, "audience" varchar(2048) not null, "endpoint_url" varchar(2048) null, "authorization_header" varchar(4096) null, "poll_token_hash" varchar(64) null, "poll_token_prefix" varchar(16) null, "status" varchar(8) not null default 'active', "position" bigint not null, "lease_owner" varchar(64) null, "lease_until" timestamptz null, "next_attempt_at" timestamptz null, "consecutive_failures" int not null default 0, "delivered_count" bigint not null, "failed_count" bigint not null, "last_success_at" timestamptz null, "last_error_at" timestamptz null, "last_error" varchar(2048) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "event_streams_tenant_idx" on "event_streams" ("tenant_id", "created_at");`);
    this.addSql(`create unique index "event_streams_poll_token_unique" on "event_streams" ("poll_token_hash");`);
    this.addSql(`create table "event_acks" ("stream_id" uuid not null, "seq" bigint not null, primary key ("stream_id", "seq"));`);
    this.addSql(
      `create table "event_failures" ("stream_id" uuid not null, "seq" bigint not null, "jti" varchar(128) not null, "err" varchar(64) not null, "description" varchar(1000) null, "failed_at" timestamptz not null, primary key ("stream_id", "seq"));`,
    );
    this.addSql(
      `create table "signing_keys" ("kid" varchar(64) not null, "algorithm" varchar(16) not null, "private_jwk" text not null, "public_jwk" text not null, "created_at" timestamptz not null, "retires_at" timestamptz null, primary key ("kid"));`,
    );
  }

  override down(): void | Promise<void> {
    for (const table of ['signing_keys', 'event_failures', 'event_acks', 'event_streams', 'provisioning_events', 'event_sequences']) {
      this.addSql(`drop table if exists "${table}" cascade;`);
    }
    this.addSql(`alter table "scim_tokens" drop column "scope";`);
  }
}
