import { Migration } from '@mikro-orm/migrations';

export class Migration20261201180000_events extends Migration {
  override name = 'Migration20261201180000_events';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`scim_tokens\` add column \`scope\` text not null default 'provision';`);
    this.addSql(
      `create table \`event_sequences\` (\`tenant_id\` text not null primary key, \`last_seq\` bigint not null, \`streams\` integer not null default 0);`,
    );
    this.addSql(
      `create table \`provisioning_events\` (\`tenant_id\` text not null, \`seq\` bigint not null, \`txn\` text not null, \`resource_type\` text not null, \`resource_id\` text not null, \`external_id\` text null, \`kinds\` text not null, \`version\` text null, \`data\` json null, \`attributes\` json not null, \`occurred_at\` datetime not null, primary key (\`tenant_id\`, \`seq\`));`,
    );
    this.addSql(`create index \`provisioning_events_occurred_idx\` on \`provisioning_events\` (\`occurred_at\`);`);
    this.addSql(
      `create table \`event_streams\` (\`id\` text not null primary key, \`tenant_id\` text not null, \`delivery\` text not null, \`format\` text not null, \`events\` json not null, \`audience\` text not null, \`endpoint_url\` text null, \`authorization_header\` text null, \`poll_token_hash\` text null, \`poll_token_prefix\` text null, \`status\` text not null default 'active', \`position\` bigint not null, \`lease_owner\` text null, \`lease_until\` datetime null, \`next_attempt_at\` datetime null, \`consecutive_failures\` integer not null default 0, \`delivered_count\` bigint not null, \`failed_count\` bigint not null, \`last_success_at\` datetime null, \`last_error_at\` datetime null, \`last_error\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`,
    );
    this.addSql(`create index \`event_streams_tenant_idx\` on \`event_streams\` (\`tenant_id\`, \`created_at\`);`);
    this.addSql(`create unique index \`event_streams_poll_token_unique\` on \`event_streams\` (\`poll_token_hash\`);`);
    this.addSql(`create table \`event_acks\` (\`stream_id\` text not null, \`seq\` bigint not null, primary key (\`stream_id\`, \`seq\`));`);
    this.addSql(
      `create table \`event_failures\` (\`stream_id\` text not null, \`seq\` bigint not null, \`jti\` text not null, \`err\` text not null, \`description\` text null, \`failed_at\` datetime not null, primary key (\`stream_id\`, \`seq\`));`,
    );
    this.addSql(
      `create table \`signing_keys\` (\`kid\` text not null primary key, \`algorithm\` text not null, \`private_jwk\` text not null, \`public_jwk\` text not null, \`created_at\` datetime not null, \`retires_at\` datetime null);`,
    );
  }

  override down(): void | Promise<void> {
    for (const table of ['signing_keys', 'event_failures', 'event_acks', 'event_streams', 'provisioning_events', 'event_sequences']) {
      this.addSql(`drop table if exists \`${table}\`;`);
    }
    this.addSql(`alter table \`scim_tokens\` drop column \`scope\`;`);
  }
}
