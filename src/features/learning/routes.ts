import type { FastifyInstance } from 'fastify'
import { learnTraineeRoutes } from './routes-trainee.js'
import { learnTrainerRoutes } from './routes-trainer.js'

/** Learning and curricula: the trainee's courses and checks; the trainer's cohorts, curricula, assignments and progress. */
export async function learningRoutes (app: FastifyInstance) {
  await app.register(learnTraineeRoutes)
  await app.register(learnTrainerRoutes)
}
