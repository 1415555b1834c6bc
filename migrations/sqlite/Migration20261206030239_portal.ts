import { Migration } from '@mikro-orm/migrations';

export class Migration20261206030239_portal extends Migration {
  override name = 'Migration20261206030239_portal';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`portal_sessions\` (\`id\` text not null primary key, \`secret_hash\` text not null, \`kind\` text not null, \`tenant_id\` text null, \`created_at\` datetime not null, \`last_seen_at\` datetime not null, \`expires_at\` datetime not null);`,
    );
    this.addSql(`create unique index \`portal_sessions_hash_unique\` on \`portal_sessions\` (\`secret_hash\`);`);
    this.addSql(`create index \`portal_sessions_expiry_idx\` on \`portal_sessions\` (\`expires_at\`);`);

    // One B-tree (WITHOUT ROWID, keyed by tenant and time-ordered id): every SCIM request writes a row here.
    this.addSql(
      `create table \`scim_requests\` (\`tenant_id\` text not null, \`id\` text not null, \`method\` text not null, \`path\` text not null, \`status\` integer not null, \`scim_type\` text null, \`detail\` text null, \`duration_ms\` integer not null, \`user_agent\` text null, \`request_id\` text not null, \`auth_failure\` text null, primary key (\`tenant_id\`, \`id\`)) without rowid;`,
    );

    this.addSql(
      `create table \`setup_links\` (\`id\` text not null primary key, \`tenant_id\` text not null, \`secret_hash\` text not null, \`created_at\` datetime not null, \`expires_at\` datetime not null, \`used_at\` datetime null);`,
    );
    this.addSql(`create unique index \`setup_links_hash_unique\` on \`setup_links\` (\`secret_hash\`);`);
    this.addSql(`create index \`setup_links_tenant_idx\` on \`setup_links\` (\`tenant_id\`, \`created_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`portal_sessions\`;`);
    this.addSql(`drop table if exists \`scim_requests\`;`);
    this.addSql(`drop table if exists \`setup_links\`;`);
  }
}
