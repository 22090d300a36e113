import { hash, verify } from '@node-rs/argon2'

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const ARGON2_ID = 2 // Algorithm.Argon2id (a const enum, which isolated modules cannot read)
const ARGON2 = { algorithm: ARGON2_ID, memoryCost: 19456, timeCost: 2, parallelism: 1 }

export function hashPassword (password: string): Promise<string> {
  return hash(password, ARGON2)
}

/**
 * One-time passwords (generateInitialPassword: 60 random bits, must be replaced
 * at the first sign-in) are hashed with argon2id at 1 MiB and one pass, about a
 * fortieth of the cost. A slow hash protects passwords people choose, which can
 * be guessed; a random 60-bit secret cannot be found by guessing at any hash
 * speed (2^59 tries on average, as session secrets are kept as plain SHA-256),
 * and it lives only until the first sign-in replaces it with a full-cost hash.
 * So a roster of 2,000 gets its logins in well under a second, and the hashing
 * threads stay free for people signing in.
 */
const ONE_TIME = { algorithm: ARGON2_ID, memoryCost: 1024, timeCost: 1, parallelism: 1 }

export function hashOneTimePassword (password: string): Promise<string> {
  return hash(password, ONE_TIME)
}

/**
 * Many one-time passwords, at most `lanes` at a time: the hashing threads are
 * shared with sign-ins (libuv's pool has four), so a large import queues behind
 * itself instead of in front of everyone else.
 */
export async function hashOneTimePasswords (passwords: readonly string[], lanes = 2): Promise<string[]> {
  const out = new Array<string>(passwords.length)
  let next = 0
  const lane = async () => {
    while (next < passwords.length) {
      const i = next++
      out[i] = await hashOneTimePassword(passwords[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(lanes, passwords.length) }, lane))
  return out
}

// Verified against when the account does not exist, so a miss costs the same time as a hit.
let dummyHash: Promise<string> | undefined

export async function verifyPassword (storedHash: string | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('not-a-real-password-' + Math.random())
    await verify(await dummyHash, password).catch(() => false)
    return false
  }
  try {
    return await verify(storedHash, password)
  } catch {
    return false
  }
}

export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 128

const COMMON = new Set([
  'password', 'password1', 'passw0rd', '12345678', '123456789', '1234567890', '87654321', '11111111',
  '88888888', '66666666', '00000000', 'qwertyui', 'qwerty123', 'abcd1234', 'a1234567', '1qaz2wsx',
  'iloveyou', 'guardpass', 'baoan123', 'woaini1314', '5201314520', 'abc12345', 'admin123', 'admin1234'
])

/** Returns a message key when the new password is not acceptable, or null. */
export function checkNewPassword (password: string, username: string): string | null {
  if (password.length < PASSWORD_MIN) return 'password.too-short'
  if (password.length > PASSWORD_MAX) return 'password.too-long'
  const lower = password.toLowerCase()
  const name = username.toLowerCase()
  if (lower === name || (name.length >= 4 && lower.includes(name))) return 'password.contains-username'
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) return 'password.too-common'
  return null
}
