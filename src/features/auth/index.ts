export { ROLES, type Role, type UserStatus } from '../../db/schema.js'
export {
  validateSessionToken, findUserByUsername, findUserById, insertUser, countUsers, normaliseUsername,
  setPassword, setStatus, setRole, createSession, type User
} from './queries.js'
export { sessionExpiresAt, generateInitialPassword, randomString } from './tokens.js'
export { hashPassword, hashOneTimePassword, hashOneTimePasswords, checkNewPassword } from './passwords.js'
export { authRoutes } from './routes.js'
export { authenticateRequest } from './session.js'
export { readThrottle, writeThrottle } from './queries.js'
export { afterFailure, lockedUntil, type ThrottlePolicy } from './throttle.js'
