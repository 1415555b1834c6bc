import { Migration } from '@mikro-orm/migrations';

export class Migration20261123144232_init extends Migration {
  override name = 'Migration20261123144232_init';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "audit_events" ("id" uuid not null, "tenant_id" uuid not null, "occurred_at" timestamptz not null, "actor_type" varchar(20) not null, "actor_token_id" uuid null, "action" varchar(64) not null, "resource_type" varchar(20) not null, "resource_id" varchar(64) null, "resource_name" text null, "resource_external_id" text null, "changes" jsonb null, "outcome" varchar(10) not null, "http_status" int not null, "scim_type" varchar(32) null, "detail" text null, "request_id" varchar(128) null, "user_agent" text null, primary key ("id"));`,
    );
    this.addSql(`create index "audit_events_time_idx" on "audit_events" ("occurred_at");`);
    this.addSql(`create index "audit_events_tenant_resource_idx" on "audit_events" ("tenant_id", "resource_id", "occurred_at");`);
    this.addSql(`create index "audit_events_tenant_time_idx" on "audit_events" ("tenant_id", "occurred_at", "id");`);

    this.addSql(
      `create table "auth_failure_counters" ("tenant_id" uuid not null, "window_start" varchar(13) not null, "count" int not null, "last_reason" varchar(200) not null, "last_at" varchar(30) not null, primary key ("tenant_id", "window_start"));`,
    );

    this.addSql(
      `create table "groups" ("id" uuid not null, "tenant_id" uuid not null, "display_name" varchar(512) not null, "display_name_ci" varchar(512) not null, "external_id" varchar(512) null, "document" jsonb not null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "groups_tenant_created_idx" on "groups" ("tenant_id", "created_at", "id");`);
    this.addSql(`create index "groups_tenant_external_id_idx" on "groups" ("tenant_id", "external_id");`);
    this.addSql(`alter table "groups" add constraint "groups_tenant_display_name_unique" unique ("tenant_id", "display_name_ci");`);

    this.addSql(
      `create table "scim_tokens" ("id" uuid not null, "tenant_id" uuid not null, "token_hash" varchar(64) not null, "prefix" varchar(16) not null, "description" varchar(200) null, "created_at" timestamptz not null, "expires_at" timestamptz null, "revoked_at" timestamptz null, "last_used_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`alter table "scim_tokens" add constraint "scim_tokens_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "scim_tokens_tenant_idx" on "scim_tokens" ("tenant_id", "created_at");`);

    this.addSql(
      `create table "tenants" ("id" uuid not null, "name" varchar(200) not null, "slug" varchar(63) not null, "scim_enabled" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "tenants" add constraint "tenants_slug_unique" unique ("slug");`);

    this.addSql(
      `create table "user_emails" ("id" serial primary key, "user_id" uuid not null, "tenant_id" uuid not null, "value" varchar(512) not null, "value_ci" varchar(512) not null, "type" varchar(64) null, "is_primary" boolean not null default false, "display" varchar(512) null);`,
    );
    this.addSql(`create index "user_emails_user_idx" on "user_emails" ("user_id");`);
    this.addSql(`create index "user_emails_value_idx" on "user_emails" ("value_ci", "user_id");`);

    this.addSql(
      `create table "users" ("id" uuid not null, "tenant_id" uuid not null, "user_name" varchar(512) not null, "user_name_ci" varchar(512) not null, "external_id" varchar(512) null, "display_name" varchar(512) null, "active" boolean not null, "identity_email_ci" varchar(512) null, "document" jsonb not null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "users_tenant_created_idx" on "users" ("tenant_id", "created_at", "id");`);
    this.addSql(`create index "users_tenant_external_id_idx" on "users" ("tenant_id", "external_id");`);
    this.addSql(`alter table "users" add constraint "users_tenant_email_unique" unique ("tenant_id", "identity_email_ci");`);
    this.addSql(`alter table "users" add constraint "users_tenant_username_unique" unique ("tenant_id", "user_name_ci");`);

    this.addSql(
      `create table "group_members" ("group_id" uuid not null, "user_id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, primary key ("group_id", "user_id"));`,
    );

    this.addSql(
      `alter table "group_members" add constraint "group_members_group_id_foreign" foreign key ("group_id") references "groups" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "group_members" add constraint "group_members_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "group_members" drop constraint "group_members_group_id_foreign";`);
    this.addSql(`alter table "group_members" drop constraint "group_members_user_id_foreign";`);

    this.addSql(`drop table if exists "audit_events" cascade;`);
    this.addSql(`drop table if exists "auth_failure_counters" cascade;`);
    this.addSql(`drop table if exists "groups" cascade;`);
    this.addSql(`drop table if exists "scim_tokens" cascade;`);
    this.addSql(`drop table if exists "tenants" cascade;`);
    this.addSql(`drop table if exists "user_emails" cascade;`);
    this.addSql(`drop table if exists "users" cascade;`);
    this.addSql(`drop table if exists "group_members" cascade;`);
  }
}
