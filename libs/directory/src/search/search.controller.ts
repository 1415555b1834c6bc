import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { Caller, ScimAuthenticated, type ScimCaller } from '@roster/platform';
import { parseListQuery, projectResource, ScimError, searchRequestToQuery, toListResponse, type JsonObject, type ListResponse } from '@roster/scim-core';
import { ScimCollections } from '../shared/scim-collections';

/**
 * RFC 7644 §3.4.3 search at the root: every resource type served (Users, then Groups), as one list. A filter that names an attribute one
 * resource type lacks matches nothing of that type; a filter that fits neither is 400 invalidFilter.
 * Results come in a fixed order (all matching users, then all matching groups), so `sortBy` is refused
 * here — it would have to compare attributes across types.
 */
@Controller('scim/v2/:tenant')
@ScimAuthenticated()
export class SearchController {
  constructor(
    private readonly collections: ScimCollections,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  @Post('.search')
  @HttpCode(200)
  async search(@Caller() caller: ScimCaller, @Body() body: unknown): Promise<ListResponse<JsonObject>> {
    const query = searchRequestToQuery(body);
    for (const unsupported of ['sortBy', 'cursor']) {
      if (Object.keys(query).some((key) => key.toLowerCase() === unsupported.toLowerCase())) {
        throw ScimError.invalidValue(`${unsupported} is not supported when searching across resource types; use /Users/.search or /Groups/.search`);
      }
    }
    const collections = this.collections.all();
    const { startIndex, count } = parseListQuery(collections[0].type, { ...query, filter: undefined }, this.config.scim);
    // Totals first (count=0 costs no rows), to know which slice of the concatenation each type owns.
    const totals: (number | undefined)[] = [];
    let firstError: unknown;
    for (const collection of collections) {
      try {
        totals.push((await collection.list(caller, { ...query, count: '0' })).total);
      } catch (error) {
        if (!(error instanceof ScimError && error.scimType === 'invalidFilter')) throw error;
        firstError ??= error;
        totals.push(undefined);
      }
    }
    if (totals.every((total) => total === undefined)) throw firstError;
    const resources: JsonObject[] = [];
    let offset = startIndex - 1;
    for (const [i, collection] of collections.entries()) {
      const total = totals[i] ?? 0;
      if (offset >= total) {
        offset -= total;
        continue;
      }
      const wanted = count - resources.length;
      if (wanted <= 0) break;
      const page = await collection.list(caller, { ...query, startIndex: String(offset + 1), count: String(wanted) });
      resources.push(...page.resources.map((resource) => projectResource(collection.type, resource, page.projection)));
      // A page cut short by its byte budget ends here: the next startIndex continues within this type.
      if (page.resources.length < wanted && offset + page.resources.length < total) break;
      offset = 0;
    }
    return toListResponse(resources, { totalResults: totals.reduce<number>((sum, total) => sum + (total ?? 0), 0), startIndex });
  }
}
