import fp from 'fastify-plugin'
import { securityPlugin } from './security.js'
import { sessionPlugin } from './session.js'
import { renderPlugin } from './render.js'
import { errorPlugin } from './error-handler.js'
import { compressionPlugin } from './compression.js'

/** The cross-cutting plugins, in the order their hooks must run. */
export const httpPlugins = fp(async (app) => {
  await app.register(securityPlugin)
  await app.register(sessionPlugin)
  await app.register(renderPlugin)
  await app.register(errorPlugin)
  await app.register(compressionPlugin)
}, { name: 'http' })
