import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { assertIfMatch, isUniqueViolation, type ScimCaller } from '@roster/platform';
import {
  applyOperations,
  GroupResourceType,
  matchesElement,
  memberIds,
  normaliseOperations,
  parseListQuery,
  parsePatchRequest,
  ScimError,
  splitMembershipOperations,
  toResourceDocument,
  type JsonObject,
  type MembershipChange,
  type Projection,
  type ResourceDocument,
} from '@roster/scim-core';
import type { AuditContext } from '../audit/audit-context';
import { AuditService, type AuditedResource } from '../audit/audit.service';
import { attemptedIdentity, withFailureAudit } from '../audit/audited';
import { assertBodyIdMatches } from '../shared/scim-response';
import { diffDocuments } from '../audit/diff';
import type { AuditChange } from '../audit/audit-event.entity';
import { resourceCountChange } from '../shared/resource-counts';
import { cursorWindow, ListCursors } from '../shared/list-cursors';
import { retryOnConcurrentChange } from '../shared/retry';
import { writeAll, type SqlStatement, type WriteAllOptions } from '../shared/write-all';
import type { GroupEntity } from './group.entity';
import { toScimGroup } from './group.mapper';
import { UsersRepository } from '../users/users.repository';
import { GroupsRepository, newGroup } from './groups.repository';
import { changedPaths, changeKinds } from '../events/change-records';
import { ProvisioningOutbox, type ChangeToRecord } from '../events/outbox';
import { ScimCollections } from '../shared/scim-collections';

export interface GroupResult {
  resource: JsonObject;
  version: number;
}

/** Whether a response needs the member list (Entra reads with excludedAttributes=members). */
export function wantsMembers(projection: Projection): boolean {
  if (projection.attributes?.length) return projection.attributes.some((a) => /^(urn:ietf:params:scim:schemas:core:2\.0:group:)?members(\.|$)/i.test(a));
  return !projection.excludedAttributes?.some((a) => /^(urn:ietf:params:scim:schemas:core:2\.0:group:)?members$/i.test(a));
}

@Injectable()
export class GroupsService implements OnModuleInit {
  constructor(
    private readonly em: EntityManager,
    private readonly groups: GroupsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly cursors: ListCursors,
    private readonly outbox: ProvisioningOutbox,
    private readonly collections: ScimCollections,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  onModuleInit(): void {
    this.collections.register({
      type: GroupResourceType,
      list: (caller, query) => this.list(caller, query),
      create: (caller, data, context) => this.create(caller, data, {}, context),
      replace: (caller, id, data, ifMatch, context) => this.replace(caller, id, data, ifMatch, {}, context),
      patch: (caller, id, data, ifMatch, context) => this.patch(caller, id, data, ifMatch, {}, context),
      delete: (caller, id, ifMatch, context) => this.delete(caller, id, ifMatch, context),
      render: async (em, tenantId, id, baseUrl) => {
        const group = await this.groups.findById(em, tenantId, id);
        return group ? this.render(em, group, baseUrl, true) : null;
      },
    });
  }

  async list(caller: ScimCaller, rawQuery: Record<string, unknown>) {
    const query = parseListQuery(GroupResourceType, rawQuery, this.config.scim);
    const scope = { tenantId: caller.tenantId, resource: 'Group', filter: query.filterText ?? '' };
    const window = await cursorWindow(this.cursors, scope, query.cursor);
    const withMembers = wantsMembers(query.projection);
    const { total, groups, next } = await this.groups.list(this.em, caller.tenantId, query, window, withMembers);
    const members = withMembers
      ? await this.groups.membersOf(
          this.em,
          caller.tenantId,
          groups.map((g) => g.id),
        )
      : undefined;
    return {
      total,
      startIndex: window ? undefined : query.startIndex,
      nextCursor: next ? await this.cursors.encode(scope, next) : undefined,
      projection: query.projection,
      resources: groups.map((g) => toScimGroup(g, caller.baseUrl, members?.get(g.id))),
    };
  }

  /** How many members each group has, for summaries that do not list them. */
  memberCounts(tenantId: string, groupIds: string[]): Promise<Map<string, number>> {
    return this.groups.memberCounts(this.em, tenantId, groupIds);
  }

  async get(caller: ScimCaller, id: string, projection: Projection): Promise<GroupResult> {
    const group = await this.require(this.em, caller.tenantId, id);
    return this.result(this.em, caller, group, wantsMembers(projection));
  }

  async create(caller: ScimCaller, body: unknown, projection: Projection, context: AuditContext): Promise<GroupResult> {
    return withFailureAudit(this.audit, caller.tenantId, context, { action: 'group.created', resource: attempted(body) }, () =>
      retryOnConcurrentChange(() => {
        const { document, members } = splitMembers(toResourceDocument(GroupResourceType, body));
        const now = new Date();
        const group = newGroup({ tenantId: caller.tenantId, ...columnsOf(document), document, createdAt: now, updatedAt: now });
        return members.length ? this.createWithMembers(caller, group, members, projection, context) : this.createEmpty(caller, group, projection, context);
      }),
    );
  }

  /**
   * Okta and Entra ID create a group empty and add its members with PATCH. Nothing is read before such a
   * write, so, as a user's create, it needs no transaction of its own when the tenant has no event streams:
   * on PostgreSQL the group, its count and its audit event are one statement.
   */
  private async createEmpty(caller: ScimCaller, group: GroupEntity, projection: Projection, context: AuditContext): Promise<GroupResult> {
    const changes = diffDocuments({}, group.document);
    const result: GroupResult = { resource: toScimGroup(group, caller.baseUrl, wantsMembers(projection) ? [] : undefined), version: group.version };
    const statements = [this.groups.insertion(this.em, group), ...this.creationRecords(this.em, caller, group, changes, context)];
    const event = (): ChangeToRecord[] => [groupChange(group, 'create', changedPaths(changes, 'id'), () => toScimGroup(group, caller.baseUrl, []))];
    await orDisplayNameConflict(this.outbox.write(this.em, caller, statements, event));
    return result;
  }

  private createWithMembers(caller: ScimCaller, group: GroupEntity, members: string[], projection: Projection, context: AuditContext): Promise<GroupResult> {
    return this.em.transactional(async (em) => {
      await this.write(em, [this.groups.insertion(em, group)]);
      const added = await this.addMembers(em, caller.tenantId, group, members, group.createdAt);
      const changes = [...diffDocuments({}, group.document), ...(added.length ? [{ path: 'members', before: null, after: added }] : [])];
      // Written last: a concurrent create that picked the same count slot waits on it for as short a time as can be.
      await this.write(em, this.creationRecords(em, caller, group, changes, context));
      await this.recordEvent(em, caller, group, 'create', changedPaths(changes, 'id'));
      return this.result(em, caller, group, wantsMembers(projection));
    });
  }

  /** What every create writes beside the group and its members: the tenant's group count and the audit event. */
  private creationRecords(em: EntityManager, caller: ScimCaller, group: GroupEntity, changes: AuditChange[], context: AuditContext): SqlStatement[] {
    return [
      resourceCountChange(caller.tenantId, 'Group', 1),
      this.audit.recording(em, caller.tenantId, context, { action: 'group.created', resource: identityOf(group), changes, httpStatus: 201 }),
    ];
  }

  /** PUT: displayName/externalId replaced, member list replaced (Okta AIW apps). */
  async replace(
    caller: ScimCaller,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    projection: Projection,
    context: AuditContext,
  ): Promise<GroupResult> {
    return withFailureAudit(this.audit, caller.tenantId, context, { action: 'group.updated', resource: { ...attempted(body), id } }, () =>
      retryOnConcurrentChange(
        () =>
          this.em.transactional(async (em) => {
            const group = await this.require(em, caller.tenantId, id, true);
            assertIfMatch(ifMatch, group.version);
            assertBodyIdMatches(body, group.id);
            const { document, members } = splitMembers(toResourceDocument(GroupResourceType, body));
            if (document.externalId === undefined && group.document.externalId !== undefined) document.externalId = group.document.externalId;
            const membership = await this.applyMembership(em, caller.tenantId, group, [{ kind: 'replace', ids: members }], context);
            await this.writeAttributes(em, caller, group, document, context, membership, 'put');
            return this.result(em, caller, group, wantsMembers(projection));
          }),
        { ifMatch },
      ),
    );
  }

  /** PATCH: membership changes as set-based SQL, other attributes through the PATCH engine; atomic. */
  async patch(
    caller: ScimCaller,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    projection: Projection | undefined,
    context: AuditContext,
  ): Promise<GroupResult | { version: number }> {
    return withFailureAudit(this.audit, caller.tenantId, context, { action: 'group.updated', resource: { type: 'Group', id } }, () =>
      // The same retry as a user PATCH: a lost race re-applies the PATCH to the fresh group.
      retryOnConcurrentChange(
        () =>
          this.em.transactional(async (em) => {
            const group = await this.require(em, caller.tenantId, id, true);
            assertIfMatch(ifMatch, group.version);
            const operations = normaliseOperations(parsePatchRequest(body), { type: GroupResourceType, resourceId: group.id });
            const { attributeOperations, membership } = splitMembershipOperations(GroupResourceType, operations);
            const membershipAudit = await this.applyMembership(em, caller.tenantId, group, membership, context);
            const { document } = applyOperations(GroupResourceType, group.document, attributeOperations);
            await this.writeAttributes(em, caller, group, document, context, membershipAudit, 'patch');
            return projection ? this.result(em, caller, group, wantsMembers(projection)) : { version: group.version };
          }),
        { ifMatch },
      ),
    );
  }

  async delete(caller: ScimCaller, id: string, ifMatch: string | undefined, context: AuditContext): Promise<void> {
    await withFailureAudit(this.audit, caller.tenantId, context, { action: 'group.deleted', resource: { type: 'Group', id } }, () =>
      this.em.transactional(async (em) => {
        const group = await this.require(em, caller.tenantId, id, true);
        assertIfMatch(ifMatch, group.version);
        // Memberships go with the group; its users are untouched.
        await this.groups.removeAllMembers(em, group.id);
        await this.write(em, [
          this.groups.deletion(group),
          resourceCountChange(caller.tenantId, 'Group', -1),
          this.audit.recording(em, caller.tenantId, context, {
            action: 'group.deleted',
            resource: identityOf(group),
            changes: diffDocuments(group.document, {}),
            httpStatus: 204,
          }),
        ]);
        await this.outbox.record(em, caller, [
          { resourceType: 'Group', resourceId: group.id, externalId: group.externalId ?? null, kinds: changeKinds('delete'), attributes: [], data: () => null },
        ]);
      }),
    );
  }

  /**
   * Applies membership changes; returns the audit events of what really changed, to be written with the
   * group's new version (writeAttributes), none when the membership is as it was.
   */
  private async applyMembership(
    em: EntityManager,
    tenantId: string,
    group: GroupEntity,
    changes: MembershipChange[],
    context: AuditContext,
  ): Promise<SqlStatement[]> {
    const added = new Set<string>();
    const removed = new Set<string>();
    const now = new Date();
    for (const change of changes) {
      let gained: string[] = [];
      let lost: string[] = [];
      switch (change.kind) {
        case 'add':
          gained = await this.addMembers(em, tenantId, group, change.ids, now);
          break;
        case 'remove':
          lost = await this.groups.removeMembers(em, group.id, change.ids);
          break;
        case 'removeAll':
          lost = await this.groups.removeAllMembers(em, group.id);
          break;
        case 'removeMatching': {
          const members = (await this.groups.membersOf(em, tenantId, [group.id])).get(group.id) ?? [];
          const ids = members
            .filter((m) => change.filters.some((filter) => matchesElement(filter, { value: m.userId, display: m.userName, type: 'User' })))
            .map((m) => m.userId);
          lost = await this.groups.removeMembers(em, group.id, ids);
          break;
        }
        case 'replace': {
          // Replacing is inherently proportional to the new list: diff it against the current one.
          const wanted = await this.validatedMembers(em, tenantId, change.ids);
          const current = new Set(await this.groups.memberIds(em, group.id));
          lost = await this.groups.removeMembers(
            em,
            group.id,
            [...current].filter((id) => !wanted.includes(id)),
          );
          gained = await this.groups.addMembers(
            em,
            tenantId,
            group.id,
            wanted.filter((id) => !current.has(id)),
            now,
          );
          break;
        }
      }
      // A member removed then added again within one request (or the reverse) is no change at all.
      for (const id of gained) if (!removed.delete(id)) added.add(id);
      for (const id of lost) if (!added.delete(id)) removed.add(id);
    }
    const audit: SqlStatement[] = [];
    if (added.size) {
      audit.push(
        this.audit.recording(em, tenantId, context, {
          action: 'group.members_added',
          resource: identityOf(group),
          changes: [{ path: 'members', before: null, after: [...added] }],
          httpStatus: 200,
        }),
      );
    }
    if (removed.size) {
      audit.push(
        this.audit.recording(em, tenantId, context, {
          action: 'group.members_removed',
          resource: identityOf(group),
          changes: [{ path: 'members', before: [...removed], after: null }],
          httpStatus: 200,
        }),
      );
    }
    return audit;
  }

  /**
   * Adds the members in the statement that checks them: when every id was added, each was a user of this
   * tenant. Otherwise some were members already or are no users of this tenant, and only then are they
   * checked on their own; an unknown one fails the request, and its transaction takes back what was added.
   */
  private async addMembers(em: EntityManager, tenantId: string, group: GroupEntity, ids: string[], now: Date): Promise<string[]> {
    const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
    const added = unique.length ? await this.groups.addMembers(em, tenantId, group.id, unique, now) : [];
    if (added.length < unique.length) await this.validatedMembers(em, tenantId, unique);
    return added;
  }

  /** Every member must be a user of this tenant; otherwise nothing is stored (400 invalidValue). */
  private async validatedMembers(em: EntityManager, tenantId: string, ids: string[]): Promise<string[]> {
    const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
    const existing = await this.users.existingIds(em, tenantId, unique);
    const unknown = unique.filter((id) => !existing.has(id));
    if (unknown.length) {
      throw ScimError.invalidValue(
        `Unknown member${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''} (members must be users of this tenant)`,
      );
    }
    return unique;
  }

  /**
   * Writes the group's new attributes and version with the audit events of the request (its membership
   * changes' and its own), in one round trip on PostgreSQL; a group whose attributes and members are as they
   * were is not written. The version check makes a lost race a retry (retryOnConcurrentChange).
   */
  private async writeAttributes(
    em: EntityManager,
    caller: ScimCaller,
    group: GroupEntity,
    document: ResourceDocument,
    context: AuditContext,
    membershipAudit: SqlStatement[],
    kind: 'put' | 'patch',
  ) {
    const changes = diffDocuments(group.document, document);
    if (!changes.length && !membershipAudit.length) return;
    const audit = changes.length
      ? [
          this.audit.recording(em, caller.tenantId, context, {
            action: 'group.updated',
            resource: { ...identityOf(group), name: String(document.displayName) },
            changes,
            httpStatus: 200,
          }),
        ]
      : [];
    const version = group.version;
    // Touching the group bumps its version, so ETags see membership-only writes too.
    Object.assign(group, changes.length ? { ...columnsOf(document), document } : {}, { updatedAt: new Date() });
    await this.write(em, [this.groups.update(em, group, version), ...membershipAudit, ...audit], { firstMustChange: true });
    group.version = version + 1;
    await this.recordEvent(em, caller, group, kind, changedPaths(changes, ...(membershipAudit.length ? ['members'] : [])));
  }

  /** The event of a change, with the group as a GET returns it (members included) when a stream wants it. */
  private recordEvent(em: EntityManager, caller: ScimCaller, group: GroupEntity, kind: 'create' | 'put' | 'patch', attributes: string[]): Promise<void> {
    return this.outbox.record(em, caller, [groupChange(group, kind, attributes, () => this.render(em, group, caller.baseUrl, true))]);
  }

  private async result(em: EntityManager, caller: ScimCaller, group: GroupEntity, withMembers: boolean): Promise<GroupResult> {
    return { resource: await this.render(em, group, caller.baseUrl, withMembers), version: group.version };
  }

  private async render(em: EntityManager, group: GroupEntity, baseUrl: string, withMembers: boolean): Promise<JsonObject> {
    const members = withMembers ? ((await this.groups.membersOf(em, group.tenantId, [group.id])).get(group.id) ?? []) : undefined;
    return toScimGroup(group, baseUrl, members);
  }

  private async require(em: EntityManager, tenantId: string, id: string, forUpdate = false): Promise<GroupEntity> {
    const group = await this.groups.findById(em, tenantId, id, forUpdate);
    if (!group) throw ScimError.notFound(`Group ${id} not found`);
    return group;
  }

  /** Writes statements together (write-all.ts); a displayName another group holds is the 409 it is. */
  private async write(em: EntityManager, statements: SqlStatement[], options: WriteAllOptions = {}): Promise<void> {
    await orDisplayNameConflict(writeAll(em, statements, options));
  }
}

/** A write that fails on the unique displayName of the tenant's groups is the 409 it is. */
async function orDisplayNameConflict<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error)) throw ScimError.uniqueness('A group with this displayName already exists in this tenant');
    throw error;
  }
}

/** The event of a change to a group; `data` is the group as a GET returns it, members included. */
function groupChange(group: GroupEntity, kind: 'create' | 'put' | 'patch', attributes: string[], data: ChangeToRecord['data']): ChangeToRecord {
  return { resourceType: 'Group', resourceId: group.id, externalId: group.externalId ?? null, kinds: changeKinds(kind), attributes, data };
}

function splitMembers(document: ResourceDocument): { document: ResourceDocument; members: string[] } {
  const { members, ...rest } = document;
  return { document: rest, members: memberIds(members) };
}

function columnsOf(document: ResourceDocument) {
  const displayName = String(document.displayName);
  return {
    displayName,
    displayNameCi: displayName.toLowerCase(),
    externalId: typeof document.externalId === 'string' ? document.externalId : null,
  };
}

function identityOf(group: GroupEntity): AuditedResource {
  return { type: 'Group', id: group.id, name: group.displayName, externalId: group.externalId ?? null };
}

function attempted(body: unknown): AuditedResource {
  return attemptedIdentity('Group', body, 'displayName');
}
