import { Migration } from '@mikro-orm/migrations';

/**
 * The users' trigram table copies each user's tenant and creation time, so that a search it answers alone is
 * scoped, counted and sorted without looking each match up in `users` (docs/benchmarks.md). An FTS5 table
 * takes no new column: it is rebuilt, with its triggers, from the users (the keys table stays as it is).
 */
export class Migration20261207200000_user_search_page_keys extends Migration {
  override name = 'Migration20261207200000_user_search_page_keys';

  override up(): void | Promise<void> {
    this.rebuild(['user_id', 'tenant_id', 'created_at'], ['new.id', 'new.tenant_id', 'new.created_at']);
  }

  override down(): void | Promise<void> {
    this.rebuild(['user_id'], ['new.id']);
  }

  /** The table with `keys` (unindexed, from the users row's `values`) before the searched columns. */
  private rebuild(keys: string[], values: string[]): void {
    for (const trigger of ['user_search_ai', 'user_search_au', 'user_search_ad']) this.addSql(`drop trigger if exists ${trigger};`);
    this.addSql('drop table if exists `user_search`;');
    const searched = ['user_name', 'external_id', 'display_name', 'given_name', 'family_name'];
    const searchedValues = (u: string) => [
      `${u}.user_name_ci`,
      `${u}.external_id`,
      `lower(${u}.display_name)`,
      `lower(json_extract(${u}.document, '$."name"."givenName"'))`,
      `lower(json_extract(${u}.document, '$."name"."familyName"'))`,
    ];
    const columns = [...keys, ...searched].join(', ');
    this.addSql(
      `create virtual table \`user_search\` using fts5(${keys.map((key) => `${key} unindexed`).join(', ')}, ${searched.join(', ')}, tokenize = 'trigram', detail = none, columnsize = 0);`,
    );
    const fromUsers = (u: string) => [...values.map((value) => value.replace(/^new\./, `${u}.`)), ...searchedValues(u)].join(', ');
    this.addSql(`insert into user_search (rowid, ${columns}) select k.key, ${fromUsers('u')} from users u join user_search_keys k on k.user_id = u.id;`);
    this.addSql(`create trigger user_search_ai after insert on users begin
  insert into user_search_keys (user_id) values (new.id);
  insert into user_search (rowid, ${columns}) values ((SELECT key FROM user_search_keys WHERE user_id = new.id), ${fromUsers('new')});
end;`);
    // The raw values decide whether the row must change (no lower() on every write of every user).
    this
      .addSql(`create trigger user_search_au after update on users when old.user_name_ci is not new.user_name_ci or old.external_id is not new.external_id or old.display_name is not new.display_name or json_extract(old.document, '$."name"') is not json_extract(new.document, '$."name"') begin
  update user_search set ${searched.map((column, i) => `${column} = ${searchedValues('new')[i]}`).join(', ')} where rowid = (SELECT key FROM user_search_keys WHERE user_id = new.id);
end;`);
    this.addSql(`create trigger user_search_ad after delete on users begin
  delete from user_search where rowid = (SELECT key FROM user_search_keys WHERE user_id = old.id);
  delete from user_search_keys where user_id = old.id;
end;`);
  }
}
