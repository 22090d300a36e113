import { createHmac } from 'node:crypto'

/**
 * The values an exam page (or a practice set: its id and position for the attempt and slot) gives its options. They are derived from the
 * attempt's secret seed (never sent to the browser), its id, the slot and the
 * bank's option key, so they say nothing about the key, differ from one attempt to
 * the next, and two trainees cannot agree that "the answer is value A". The
 * server maps a posted value back to its key (answering.ts). Pure: the seed is the HMAC key.
 */
const LENGTH = 8

export function optionCodes (seed: string, attemptId: number, slot: number, keys: readonly string[]): string[] {
  // The attempt's id too: two attempts of one paper (the same seed) still get different values.
  const codes = keys.map((key) => createHmac('sha256', seed).update(`${attemptId}\u0000${slot}\u0000${key}`).digest('base64url').slice(0, LENGTH))
  // Two options of one question sharing a code is a chance of about one in 10^13; were it to happen, the later one gets an index.
  return codes.map((c, i) => (codes.indexOf(c) === i ? c : `${c}${i}`))
}
