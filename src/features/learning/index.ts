export { learningRoutes } from './routes.js'
export { mandatoryAssignmentsOf, learningOf, type MandatoryAssignment } from './summary.js'
export { nextStep } from './view.js'
export { seedLearningDemo } from './seed.js'
