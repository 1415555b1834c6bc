// Types generated from openapi/roster.openapi.yaml (npm run openapi:types). Type-only: no runtime code.
import type { components } from './generated/roster-api';

export type { components, operations, paths } from './generated/roster-api';

type Schemas = components['schemas'];

export type CreateTenantRequest = Schemas['CreateTenantRequest'];
export type UpdateTenantRequest = Schemas['UpdateTenantRequest'];
export type Tenant = Schemas['Tenant'];
export type TenantList = Schemas['TenantList'];
export type IssueTokenRequest = Schemas['IssueTokenRequest'];
export type IssuedToken = Schemas['IssuedToken'];
export type TokenMetadata = Schemas['TokenMetadata'];
export type TokenList = Schemas['TokenList'];
export type Health = Schemas['Health'];
export type ScimErrorBody = Schemas['ScimError'];
export type ScimUser = Schemas['User'];
export type ScimUserWrite = Schemas['UserWrite'];
export type UserListResponse = Schemas['UserListResponse'];
export type PatchOpBody = Schemas['PatchOp'];
export type ServiceProviderConfig = Schemas['ServiceProviderConfig'];
export type ResourceTypeBody = Schemas['ResourceType'];
export type ResourceTypeListResponse = Schemas['ResourceTypeListResponse'];
export type SchemaBody = Schemas['Schema'];
export type SchemaListResponse = Schemas['SchemaListResponse'];
export type ScimGroup = Schemas['Group'];
export type ScimGroupWrite = Schemas['GroupWrite'];
export type GroupListResponse = Schemas['GroupListResponse'];
export type AuditEvent = Schemas['AuditEvent'];
export type AuditEventPage = Schemas['AuditEventPage'];
export type AuthFailureList = Schemas['AuthFailureList'];
export type DeletedUserPage = Schemas['DeletedUserPage'];
export type CreateEventStreamRequest = Schemas['CreateEventStreamRequest'];
export type UpdateEventStreamRequest = Schemas['UpdateEventStreamRequest'];
export type EventStream = Schemas['EventStream'];
export type CreatedEventStream = Schemas['CreatedEventStream'];
export type EventStreamList = Schemas['EventStreamList'];
export type RotateSigningKeyRequest = Schemas['RotateSigningKeyRequest'];
export type SigningKey = Schemas['SigningKey'];
export type SigningKeyList = Schemas['SigningKeyList'];
export type PollResponse = Schemas['PollResponse'];
export type TenantHealth = Schemas['TenantHealth'];
