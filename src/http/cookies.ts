import type { FastifyReply } from 'fastify'
import type { Config } from '../config.js'

export const SESSION_COOKIE = 'gp_session'
export const LOCALE_COOKIE = 'gp_lang'
export const FLASH_COOKIE = 'gp_flash'

export function setSessionCookie (reply: FastifyReply, config: Config, token: string, expires: Date): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', secure: config.cookieSecure, expires })
}

export function clearSessionCookie (reply: FastifyReply, config: Config): void {
  reply.setCookie(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', path: '/', secure: config.cookieSecure, maxAge: 0 })
}

export function setLocaleCookie (reply: FastifyReply, config: Config, locale: string): void {
  reply.setCookie(LOCALE_COOKIE, locale, { httpOnly: true, sameSite: 'lax', path: '/', secure: config.cookieSecure, maxAge: 365 * 24 * 3600 })
}
