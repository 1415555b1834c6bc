import { Migration } from '@mikro-orm/migrations';

export class Migration20261201170000_deleted_users extends Migration {
  override name = 'Migration20261201170000_deleted_users';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`deleted_users\` (\`id\` text not null primary key, \`tenant_id\` text not null, \`user_name\` text not null, \`external_id\` text null, \`document\` json not null, \`created_at\` datetime not null, \`deleted_at\` datetime not null);`,
    );
    this.addSql(`create index \`deleted_users_tenant_deleted_idx\` on \`deleted_users\` (\`tenant_id\`, \`deleted_at\`, \`id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`deleted_users\`;`);
  }
}
