export { learningRoutes } from './routes.js'
export { mandatoryAssignmentsOf, type MandatoryAssignment } from './summary.js'
export { seedLearningDemo } from './seed.js'
