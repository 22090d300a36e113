import type { DbOrTx } from '../../db/connection.js'
import { keyFingerprint } from '../../lib/data-key.js'
import { countTrainees, readSetting, writeSetting } from './queries.js'

const FINGERPRINT = 'data_key_fingerprint'

/**
 * Start-up check that the data key is the one the database's personal data was
 * encrypted with. Returns an error sentence for the operator, or null when the
 * key fits (recording its fingerprint on first use).
 */
export function createPiiCheck (db: DbOrTx) {
  return {
    /** Whether encrypted personal data exists at all (a missing key file is then fatal). */
    holdsEncryptedData: () => countTrainees(db) > 0,
    check (key: Buffer): string | null {
      const fp = keyFingerprint(key)
      const stored = readSetting(db, FINGERPRINT)
      if (stored && stored !== fp) return 'The data key does not match the one this database was encrypted with (fingerprints differ). Restore the key file that belongs to this database.'
      if (!stored) {
        if (countTrainees(db) > 0) return 'The database holds encrypted personal data but no key fingerprint. Restore the key file that belongs to this database.'
        writeSetting(db, FINGERPRINT, fp)
      }
      return null
    }
  }
}
