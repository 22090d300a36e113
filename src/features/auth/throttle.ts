/**
 * Login throttling, pure. Two independent counters:
 * - an account is locked for 15 minutes after 5 consecutive failures (a success resets it);
 * - a client address is locked for 15 minutes after 30 failures within 15 minutes.
 * Successful sign-ins never count, so a whole class behind one address can sign in.
 */
export interface ThrottleState {
  failures: number
  windowStartedAt: Date
  lockedUntil: Date | null
}

export interface ThrottlePolicy {
  maxFailures: number
  /** For addresses: failures count within this window; for accounts: unused (consecutive). */
  windowMs: number | null
  lockMs: number
}

const FIFTEEN_MINUTES = 15 * 60 * 1000
export const ACCOUNT_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: null, lockMs: FIFTEEN_MINUTES }
export const ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 30, windowMs: FIFTEEN_MINUTES, lockMs: FIFTEEN_MINUTES }

/** The time until which sign-in is refused, or null when it is allowed. */
export function lockedUntil (state: ThrottleState | undefined, now: Date): Date | null {
  if (!state?.lockedUntil) return null
  return state.lockedUntil.getTime() > now.getTime() ? state.lockedUntil : null
}

export function afterFailure (state: ThrottleState | undefined, now: Date, policy: ThrottlePolicy): ThrottleState {
  const t = now.getTime()
  let current = state
  // A lock that has run out starts a fresh count.
  if (current?.lockedUntil && current.lockedUntil.getTime() <= t) current = undefined
  // A window that has run out starts a fresh count.
  if (current && policy.windowMs !== null && t - current.windowStartedAt.getTime() >= policy.windowMs) current = undefined
  const failures = (current?.failures ?? 0) + 1
  const windowStartedAt = current?.windowStartedAt ?? now
  const locked = failures >= policy.maxFailures ? new Date(t + policy.lockMs) : null
  return { failures, windowStartedAt, lockedUntil: locked }
}

export function minutesLeft (until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60000))
}
