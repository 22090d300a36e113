import { hash, verify } from '@node-rs/argon2'

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const ARGON2_ID = 2 // Algorithm.Argon2id (a const enum, which isolated modules cannot read)
const ARGON2 = { algorithm: ARGON2_ID, memoryCost: 19456, timeCost: 2, parallelism: 1 }

export function hashPassword (password: string): Promise<string> {
  return hash(password, ARGON2)
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
