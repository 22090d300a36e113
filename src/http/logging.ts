import { pino, type Logger } from 'pino'
import { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'

/** Logged objects lose these paths: no cookie, password, token or ID number reaches a log. */
export const LOG_REDACT = [
  'req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]',
  'password', 'current', 'confirm', 'token', 'idNumber', 'id_number',
  '*.password', '*.current', '*.confirm', '*.token', '*.cookie', '*.idNumber', '*.id_number'
]

/**
 * The logger: secrets and ID numbers redacted, and requests logged by path
 * only (query strings can hold search terms such as an ID number). Fastify's
 * own two lines per request are turned off (`requestLogController`) in favour
 * of the one line of `logRequests`.
 */
export function loggerOptions (level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: LOG_REDACT, censor: '[redacted]' },
    serializers: { req: (req: { method: string, url: string, ip?: string }) => ({ method: req.method, path: req.url.split('?')[0], remoteAddress: req.ip }) },
    ...(stream ? { stream } : {})
  }
}

/**
 * The one JSON log stream of a running server: start-up, requests and the checkpoint worker.
 * main.ts makes it before the app (the start-up steps log too) and hands it to Fastify.
 */
export function createLogger (level: string, stream?: NodeJS.WritableStream): Logger {
  const options = loggerOptions(level) as Exclude<FastifyServerOptions['logger'], boolean | undefined>
  return stream ? pino(options, stream) : pino(options)
}

/** Fastify's log controller with its per-request lines (incoming, completed) turned off. */
export function requestLogController (): LogController {
  return new LogController({ disableRequestLogging: true })
}

/** One line per request, when it ends: method, path, address, status and time taken. */
export function logRequests (app: FastifyInstance): void {
  app.addHook('onResponse', (req, reply, done) => {
    req.log.info({ req, res: reply, responseTime: reply.elapsedTime }, 'request completed')
    done()
  })
}
