import fp from 'fastify-plugin'
import { securityPlugin } from './security.js'
import { sessionPlugin } from './session.js'
import { renderPlugin, type RenderOptions } from './render.js'
import { errorPlugin } from './error-handler.js'
import { compressionPlugin } from './compression.js'
import type { Authenticate } from './types.js'

/** The cross-cutting plugins, in the order their hooks must run. */
export const httpPlugins = fp<{ authenticate: Authenticate } & RenderOptions>(async (app, opts) => {
  await app.register(securityPlugin)
  await app.register(sessionPlugin, { authenticate: opts.authenticate })
  await app.register(renderPlugin, { direct: opts.direct })
  await app.register(errorPlugin)
  await app.register(compressionPlugin)
}, { name: 'http' })
