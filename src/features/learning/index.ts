export { learningRoutes } from './routes.js'
export { mandatoryAssignments, type MandatoryAssignment } from './summary.js'
export { seedLearningDemo } from './seed.js'
