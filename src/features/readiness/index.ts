export { readinessRoutes } from './routes.js'
export { makeCode, buildSnapshot, expiryFrom } from './statements.js'
export { readEligibilitySettings, evaluateMany, insertStatement, insertSitting, insertApplication, findStatementByCode } from './queries.js'
export { applyProblem } from './sittings.js'
