import { Migration } from '@mikro-orm/migrations';

export class Migration20261206030247_portal extends Migration {
  override name = 'Migration20261206030247_portal';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "portal_sessions" ("id" uuid not null, "secret_hash" varchar(64) not null, "kind" varchar(16) not null, "tenant_id" uuid null, "created_at" timestamptz not null, "last_seen_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "portal_sessions" add constraint "portal_sessions_hash_unique" unique ("secret_hash");`);
    this.addSql(`create index "portal_sessions_expiry_idx" on "portal_sessions" ("expires_at");`);

    this.addSql(
      `create table "scim_requests" ("tenant_id" uuid not null, "id" uuid not null, "method" varchar(10) not null, "path" varchar(2048) not null, "status" int not null, "scim_type" varchar(32) null, "detail" varchar(1000) null, "duration_ms" int not null, "user_agent" varchar(256) null, "request_id" varchar(128) not null, "auth_failure" varchar(64) null, primary key ("tenant_id", "id"));`,
    );

    this.addSql(
      `create table "setup_links" ("id" uuid not null, "tenant_id" uuid not null, "secret_hash" varchar(64) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`alter table "setup_links" add constraint "setup_links_hash_unique" unique ("secret_hash");`);
    this.addSql(`create index "setup_links_tenant_idx" on "setup_links" ("tenant_id", "created_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "portal_sessions" cascade;`);
    this.addSql(`drop table if exists "scim_requests" cascade;`);
    this.addSql(`drop table if exists "setup_links" cascade;`);
  }
}
