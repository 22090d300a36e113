export { examRoutes } from './routes.js'
export { sweepOverdue, finalizeAttempt, listAttempts } from './queries.js'
export { assemblePaper } from './assembly.js'
export { gradeAttempt } from './grading.js'
