export { readinessRoutes } from './routes.js'
export { evaluateEligibility, DEFAULT_SETTINGS, type EligibilitySettings, type EligibilityStatus } from './rules.js'
