import { Migration } from '@mikro-orm/migrations';

export class Migration20261123144231_init extends Migration {
  override name = 'Migration20261123144231_init';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`audit_events\` (\`id\` text not null primary key, \`tenant_id\` text not null, \`occurred_at\` datetime not null, \`actor_type\` text not null, \`actor_token_id\` text null, \`action\` text not null, \`resource_type\` text not null, \`resource_id\` text null, \`resource_name\` text null, \`resource_external_id\` text null, \`changes\` json null, \`outcome\` text not null, \`http_status\` integer not null, \`scim_type\` text null, \`detail\` text null, \`request_id\` text null, \`user_agent\` text null);`,
    );
    this.addSql(`create index \`audit_events_time_idx\` on \`audit_events\` (\`occurred_at\`);`);
    this.addSql(`create index \`audit_events_tenant_resource_idx\` on \`audit_events\` (\`tenant_id\`, \`resource_id\`, \`occurred_at\`);`);
    this.addSql(`create index \`audit_events_tenant_time_idx\` on \`audit_events\` (\`tenant_id\`, \`occurred_at\`, \`id\`);`);

    this.addSql(
      `create table \`auth_failure_counters\` (\`tenant_id\` text not null, \`window_start\` text not null, \`count\` integer not null, \`last_reason\` text not null, \`last_at\` text not null, primary key (\`tenant_id\`, \`window_start\`));`,
    );

    this.addSql(
      `create table \`groups\` (\`id\` text not null primary key, \`tenant_id\` text not null, \`display_name\` text not null, \`display_name_ci\` text not null, \`external_id\` text null, \`document\` json not null, \`version\` integer not null default 1, \`created_at\` datetime not null, \`updated_at\` datetime not null);`,
    );
    this.addSql(`create index \`groups_tenant_created_idx\` on \`groups\` (\`tenant_id\`, \`created_at\`, \`id\`);`);
    this.addSql(`create index \`groups_tenant_external_id_idx\` on \`groups\` (\`tenant_id\`, \`external_id\`);`);
    this.addSql(`create unique index \`groups_tenant_display_name_unique\` on \`groups\` (\`tenant_id\`, \`display_name_ci\`);`);

    this.addSql(
      `create table \`scim_tokens\` (\`id\` text not null primary key, \`tenant_id\` text not null, \`token_hash\` text not null, \`prefix\` text not null, \`description\` text null, \`created_at\` datetime not null, \`expires_at\` datetime null, \`revoked_at\` datetime null, \`last_used_at\` datetime null);`,
    );
    this.addSql(`create unique index \`scim_tokens_hash_unique\` on \`scim_tokens\` (\`token_hash\`);`);
    this.addSql(`create index \`scim_tokens_tenant_idx\` on \`scim_tokens\` (\`tenant_id\`, \`created_at\`);`);

    this.addSql(
      `create table \`tenants\` (\`id\` text not null primary key, \`name\` text not null, \`slug\` text not null, \`scim_enabled\` integer not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null);`,
    );
    this.addSql(`create unique index \`tenants_slug_unique\` on \`tenants\` (\`slug\`);`);

    this.addSql(
      `create table \`user_emails\` (\`id\` integer not null primary key autoincrement, \`user_id\` text not null, \`tenant_id\` text not null, \`value\` text not null, \`value_ci\` text not null, \`type\` text null, \`is_primary\` integer not null default false, \`display\` text null);`,
    );
    this.addSql(`create index \`user_emails_user_idx\` on \`user_emails\` (\`user_id\`);`);
    this.addSql(`create index \`user_emails_value_idx\` on \`user_emails\` (\`value_ci\`, \`user_id\`);`);

    this.addSql(
      `create table \`users\` (\`id\` text not null primary key, \`tenant_id\` text not null, \`user_name\` text not null, \`user_name_ci\` text not null, \`external_id\` text null, \`display_name\` text null, \`active\` integer not null, \`identity_email_ci\` text null, \`document\` json not null, \`version\` integer not null default 1, \`created_at\` datetime not null, \`updated_at\` datetime not null);`,
    );
    this.addSql(`create index \`users_tenant_created_idx\` on \`users\` (\`tenant_id\`, \`created_at\`, \`id\`);`);
    this.addSql(`create index \`users_tenant_external_id_idx\` on \`users\` (\`tenant_id\`, \`external_id\`);`);
    this.addSql(`create unique index \`users_tenant_email_unique\` on \`users\` (\`tenant_id\`, \`identity_email_ci\`);`);
    this.addSql(`create unique index \`users_tenant_username_unique\` on \`users\` (\`tenant_id\`, \`user_name_ci\`);`);

    this.addSql(
      `create table \`group_members\` (\`group_id\` text not null, \`user_id\` text not null, \`tenant_id\` text not null, \`created_at\` datetime not null, primary key (\`group_id\`, \`user_id\`), constraint \`group_members_group_id_foreign\` foreign key (\`group_id\`) references \`groups\` (\`id\`) on update cascade on delete cascade, constraint \`group_members_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade);`,
    );
    this.addSql(`create index \`group_members_group_id_index\` on \`group_members\` (\`group_id\`);`);
    this.addSql(`create index \`group_members_user_id_index\` on \`group_members\` (\`user_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`audit_events\`;`);
    this.addSql(`drop table if exists \`auth_failure_counters\`;`);
    this.addSql(`drop table if exists \`groups\`;`);
    this.addSql(`drop table if exists \`scim_tokens\`;`);
    this.addSql(`drop table if exists \`tenants\`;`);
    this.addSql(`drop table if exists \`user_emails\`;`);
    this.addSql(`drop table if exists \`users\`;`);
    this.addSql(`drop table if exists \`group_members\`;`);
  }
}
