import { Migration } from '@mikro-orm/migrations';

export class Migration20261201171001_server_secrets extends Migration {
  override name = 'Migration20261201171001_server_secrets';

  override up(): void | Promise<void> {
    this.addSql(`create table "server_secrets" ("name" varchar(64) not null, "value" varchar(128) not null, primary key ("name"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "server_secrets" cascade;`);
  }
}
