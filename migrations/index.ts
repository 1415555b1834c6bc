import type { MigrationSets } from '@roster/platform';
import { migrationsList as postgresql } from './postgresql';
import { migrationsList as sqlite } from './sqlite';

/** Migrations per dialect; both are kept in step (a test fails when either drifts from the entities). */
export const migrations: MigrationSets = { sqlite, postgresql };
