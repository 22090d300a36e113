export { learningRoutes } from './routes.js'
export { mandatoryAssignments, mandatoryAssignmentsOf, type MandatoryAssignment } from './summary.js'
export { seedLearningDemo } from './seed.js'
