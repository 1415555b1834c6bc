import { Migration } from '@mikro-orm/migrations';

/**
 * Trigram indexes for substring filters (co, sw, ew): FTS5 tables kept by triggers in the same transaction as
 * the users and email rows, filled here from the rows that exist. Each column holds what the filter compiler
 * compares: the lower-cased userName, the externalId as sent, the lower-cased displayName and name parts,
 * the lower-cased email.
 */
export class Migration20261206050000_user_search extends Migration {
  override name = 'Migration20261206050000_user_search';

  override up(): void | Promise<void> {
    this.addSql(`create table \`user_search_keys\` (\`key\` integer not null primary key, \`user_id\` text not null);`);
    this.addSql(`create unique index \`user_search_keys_user_idx\` on \`user_search_keys\` (\`user_id\`);`);
    this.addSql(
      `create virtual table \`user_search\` using fts5(user_id unindexed, user_name, external_id, display_name, given_name, family_name, tokenize = 'trigram', detail = none, columnsize = 0);`,
    );
    this.addSql(`create virtual table \`user_email_search\` using fts5(value, tokenize = 'trigram', detail = none, columnsize = 0);`);
    this.addSql(`create trigger user_search_ai after insert on users begin
  insert into user_search_keys (user_id) values (new.id);
  insert into user_search (rowid, user_id, user_name, external_id, display_name, given_name, family_name) values ((SELECT key FROM user_search_keys WHERE user_id = new.id), new.id, new.user_name_ci, new.external_id, lower(new.display_name), lower(json_extract(new.document, '$."name"."givenName"')), lower(json_extract(new.document, '$."name"."familyName"')));
end;`);
    // The raw values decide whether the row must change (no lower() on every write of every user).
    this
      .addSql(`create trigger user_search_au after update on users when old.user_name_ci is not new.user_name_ci or old.external_id is not new.external_id or old.display_name is not new.display_name or json_extract(old.document, '$."name"') is not json_extract(new.document, '$."name"') begin
  update user_search set user_name = new.user_name_ci, external_id = new.external_id, display_name = lower(new.display_name), given_name = lower(json_extract(new.document, '$."name"."givenName"')), family_name = lower(json_extract(new.document, '$."name"."familyName"')) where rowid = (SELECT key FROM user_search_keys WHERE user_id = new.id);
end;`);
    this.addSql(`create trigger user_search_ad after delete on users begin
  delete from user_search where rowid = (SELECT key FROM user_search_keys WHERE user_id = old.id);
  delete from user_search_keys where user_id = old.id;
end;`);
    this.addSql(`create trigger user_email_search_ai after insert on user_emails begin
  insert into user_email_search (rowid, value) values (new.id, new.value_ci);
end;`);
    this.addSql(`create trigger user_email_search_au after update on user_emails when old.value_ci is not new.value_ci begin
  update user_email_search set value = new.value_ci where rowid = new.id;
end;`);
    this.addSql(`create trigger user_email_search_ad after delete on user_emails begin
  delete from user_email_search where rowid = old.id;
end;`);
    this.addSql(`insert into user_search_keys (user_id) select id from users order by tenant_id, created_at, id;`);
    this.addSql(
      `insert into user_search (rowid, user_id, user_name, external_id, display_name, given_name, family_name) select k.key, u.id, u.user_name_ci, u.external_id, lower(u.display_name), lower(json_extract(u.document, '$."name"."givenName"')), lower(json_extract(u.document, '$."name"."familyName"')) from users u join user_search_keys k on k.user_id = u.id;`,
    );
    this.addSql(`insert into user_email_search (rowid, value) select id, value_ci from user_emails;`);
  }

  override down(): void | Promise<void> {
    for (const trigger of ['user_search_ai', 'user_search_au', 'user_search_ad', 'user_email_search_ai', 'user_email_search_au', 'user_email_search_ad'])
      this.addSql(`drop trigger if exists ${trigger};`);
    this.addSql(`drop table if exists \`user_email_search\`;`);
    this.addSql(`drop table if exists \`user_search\`;`);
    this.addSql(`drop table if exists \`user_search_keys\`;`);
  }
}
