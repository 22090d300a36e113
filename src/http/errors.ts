import type { MessageKey } from '../i18n/index.js'

/**
 * Typed errors thrown by domain code, queries and routes. One error handler
 * (http/error-handler.ts) maps them to status codes and renders a page or fragment.
 * `code` is a message-catalogue key (errors.*), so the text is translated.
 */
export class AppError extends Error {
  constructor (readonly statusCode: number, readonly code: MessageKey, readonly params: Record<string, string | number> = {}) {
    super(code)
  }
}

export class BadRequest extends AppError {
  constructor (code: MessageKey = 'errors.bad-request', params?: Record<string, string | number>) { super(400, code, params) }
}

export class Forbidden extends AppError {
  constructor (code: MessageKey = 'errors.forbidden') { super(403, code) }
}

export class NotFound extends AppError {
  constructor (code: MessageKey = 'errors.not-found') { super(404, code) }
}

export class Conflict extends AppError {
  constructor (code: MessageKey = 'errors.conflict', params?: Record<string, string | number>) { super(409, code, params) }
}

export class TooManyRequests extends AppError {
  constructor (code: MessageKey = 'errors.too-many-requests', params?: Record<string, string | number>, readonly retryAfterSeconds?: number) {
    super(429, code, params)
  }
}
