export { examRoutes } from './routes.js'
export { sweepOverdue, finalizeAttempt, listAttempts } from './queries.js'
export { assemblePaper } from './assembly.js'
export { gradeAttempt, isCorrect } from './grading.js'
