// Every table of the engine this process runs on (issue 19; docs/ARCHITECTURE.md, "Tables per
// process"). Drizzle has no cross-dialect table builder, so each engine has its schema
// (sqlite-schema.ts, pg-schema.ts, a file per area in schema/ and pg-schema/, kept in step by
// tests/unit/db/pg-schema-parity.test.ts, which also proves every table's row types identical). A process runs on one engine, chosen by
// DATABASE_URL before anything is imported: the areas import their tables from here and build
// queries with them, and Drizzle renders each query in the dialect of the tables and database it
// is given. The tables are typed as SQLite's; the types are the same for both by that test.
// (drizzle-kit reads sqlite-schema.ts and pg-schema.ts; code that needs one engine's tables whatever
// the process runs on, the data move and its tests, imports those.)
import * as sqlite from './sqlite-schema.js'
import * as postgres from './pg-schema.js'
import { isPostgresUrl } from './database-url.js'

export type Engine = 'sqlite' | 'postgres'

/** The engine of this process: PostgreSQL when DATABASE_URL is a postgres:// address, else SQLite. */
export const ENGINE: Engine = isPostgresUrl(process.env.DATABASE_URL) ? 'postgres' : 'sqlite'

const chosen = (ENGINE === 'postgres' ? postgres : sqlite) as unknown as typeof sqlite

/** The chosen schema as one object (Drizzle's `schema` option, the data move's plan). */
export const tables = chosen

export const {
  appSettings, applications, assignments, attemptItems, attemptSteps, attempts, auditEvents,
  auditScopes, auditTotals, bankReleases, blueprintVersions, braveryReports, briefings,
  checklistItems, cohortMembers, cohorts, curricula, curriculumItems, declarations, employments,
  enterpriseCounts, enterpriseMessages, enterprises, escalationCases, examSittings,
  inspectionGuards, inspectionItems, inspections, jurisdictions, lessonChecks, lessonProgress,
  lessonVersions, loginThrottle, messageAttachments, messageTargets, noticeItems, photos,
  practiceAnswers, practiceDays, practiceQuestions, practiceSets, practiceTopics, questionVersions,
  recentPapers, rectificationNotices, releaseBlueprints, releaseLessons, releaseQuestions,
  rosterImports, sessions, sites, statements, traineeLearning, traineeReadiness, trainees, users
} = chosen

// The values and types the schema files share (the same objects for both engines).
export * from './schema-values.js'
export type { QuestionBody, BlueprintBody, CheckAnswer, CheckedImportRow } from './sqlite-schema.js'
