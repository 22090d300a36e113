export { latestRelease, latestReleaseId, findRelease, findQuestionVersion, findLessonVersion, type Release } from './queries.js'
export { publishBank } from './publish.js'
export { loadBank, DEFAULT_BANK_DIR } from './cli.js'
export { bankRoutes } from './routes.js'
export { sourceText } from './sources.js'
export { isCorrect } from './answers.js'
export { validateCommand, publishCommand, publishOnStart, diffCommand, statsCommand } from './cli.js'
export type { Domain, QuestionType, Text, Cell, Question } from './format.js'
/** A syllabus domain's id (law, knowledge, skills, ethics). */
export type DomainId = typeof DOMAIN_IDS[number]
import type { DOMAIN_IDS } from './format.js'
