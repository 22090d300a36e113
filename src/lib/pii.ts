import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Encryption of ID numbers at rest (AES-256-GCM) with a keyed hash beside them
 * (HMAC-SHA-256) for exact look-up and uniqueness. Two sub-keys are derived from
 * the one data key, so the hash never reveals anything about the cipher key.
 */
export interface Pii {
  encrypt(plain: string): string
  decrypt(stored: string): string
  hash(plain: string): string
}

export function createPii (dataKey: Buffer): Pii {
  if (dataKey.length !== 32) throw new Error('The data key must be 32 bytes')
  const encKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'guardpass/pii/aes-256-gcm', 32))
  const macKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'guardpass/pii/hmac-sha-256', 32))
  return {
    encrypt (plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', encKey, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
    },
    decrypt (stored) {
      if (!stored.startsWith('v1.')) throw new Error('Unknown encrypted value format')
      const raw = Buffer.from(stored.slice(3), 'base64url')
      const decipher = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, 12))
      decipher.setAuthTag(raw.subarray(12, 28))
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
    },
    hash (plain) {
      return createHmac('sha256', macKey).update(plain, 'utf8').digest('hex')
    }
  }
}
