import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Eta } from 'eta'
import type { Role } from '../db/schema.js'
import type { Locale, Translate, Params } from '../i18n/index.js'
import type { Config } from '../config.js'
import type { Db } from '../db/connection.js'
import type { Q } from '../db/engine.js'
import type { Clock } from '../lib/clock.js'
import type { Pii } from '../lib/pii.js'

/** Who may call a route: anyone, any signed-in user, or the listed roles. */
export type Access = 'public' | 'signed-in' | readonly Role[]

export interface Actor {
  id: number
  username: string
  displayName: string
  role: Role
  mustChangePassword: boolean
  sessionId: string
  /** When this session began (a sign-in with a password). */
  signedInAt: Date
  enterpriseId: number | null
  jurisdictionId: number | null
  /** A trainee's person record (null for other roles, or a trainee account without one). */
  traineeId: number | null
  /** What the user must do before anything else: change the initial password, then accept the privacy notice. */
  pending: 'password' | 'privacy' | null
}

/** A signed-in request: who it is, and the language saved in their account (null: none chosen). */
export interface Authenticated { actor: Actor, locale: string | null }

/**
 * Finds the signed-in user of a request from its cookies (renewing or clearing the session
 * cookie on the reply as needed); null when nobody is signed in. The auth area provides it.
 */
export type Authenticate = (req: FastifyRequest, reply: FastifyReply, now: Date) => Promise<Authenticated | null>

export interface PageData { [key: string]: unknown }

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access
    /** Reachable while the user still has to change the initial password. */
    allowPending?: boolean
  }
  interface FastifyInstance {
    /** The Eta instance @fastify/view renders with (render.ts). */
    views: Eta
    config: Config
    db: Db
    /** Runs an area's query function on the app's database, each statement its own (db/engine.ts). */
    exec<A extends unknown[], T>(fn: (db: Db, ...args: A) => Q<T>, ...args: A): Promise<T>
    /** Runs an area's query function as one transaction (db/engine.ts). */
    transaction<A extends unknown[], T>(fn: (tx: Db, ...args: A) => Q<T>, ...args: A): Promise<T>
    clock: Clock
    pii: Pii
  }
  interface FastifyRequest {
    actor: Actor | null
    locale: Locale
    t: Translate
    /** A flash message key carried over from the previous response, if any. */
    flash: { key: string, params?: Params } | null
  }
  interface FastifyReply {
    page(template: string, data?: PageData): Promise<FastifyReply>
    fragment(template: string, data?: PageData): Promise<FastifyReply>
    /** 303 to a local path, with an optional flash message for the next page. */
    seeOther(path: string, flashKey?: string, params?: Params): FastifyReply
  }
}
