import { Migration } from '@mikro-orm/migrations';

export class Migration20261201171000_server_secrets extends Migration {
  override name = 'Migration20261201171000_server_secrets';

  override up(): void | Promise<void> {
    this.addSql(`create table \`server_secrets\` (\`name\` text not null primary key, \`value\` text not null);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`server_secrets\`;`);
  }
}
