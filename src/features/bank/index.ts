export { latestRelease, latestReleaseId, findRelease, findQuestionVersion, findLessonVersion } from './queries.js'
export { publishBank } from './publish.js'
export { loadBank, DEFAULT_BANK_DIR } from './cli.js'
export { bankRoutes } from './routes.js'
