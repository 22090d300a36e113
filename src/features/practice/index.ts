export { practiceRoutes } from './routes.js'
export { recordOutcomes, type Outcome } from './queries.js'
