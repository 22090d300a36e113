/**
 * Login throttling, pure. Two independent counters:
 * - an account is locked for 15 minutes after 5 consecutive failures (a success resets it);
 * - a client address is locked for 15 minutes after 30 failures within 15 minutes.
 * Successful sign-ins never count, so a whole class behind one address can sign in.
 *
 * A password check is reserved before it is made (reserveAttempt counts it as a
 * failure, atomically with the check of the lock) and a success gives the
 * reservation back (refundAttempt). So requests that arrive together cannot all
 * read "not locked" and then each verify a password: at most `maxFailures`
 * checks run in a window, however many are sent in parallel.
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

/** The state that still counts at `now`: a lock or a window that has run out starts a fresh count. */
function stillCounting (state: ThrottleState | undefined, t: number, policy: ThrottlePolicy): ThrottleState | undefined {
  if (state?.lockedUntil && state.lockedUntil.getTime() <= t) return undefined
  if (state && policy.windowMs !== null && t - state.windowStartedAt.getTime() >= policy.windowMs) return undefined
  return state
}

export function afterFailure (state: ThrottleState | undefined, now: Date, policy: ThrottlePolicy): ThrottleState {
  const t = now.getTime()
  const current = stillCounting(state, t, policy)
  const failures = (current?.failures ?? 0) + 1
  const windowStartedAt = current?.windowStartedAt ?? now
  const locked = failures >= policy.maxFailures ? new Date(t + policy.lockMs) : null
  return { failures, windowStartedAt, lockedUntil: locked }
}

/**
 * Takes one attempt before the password is checked: refused while locked, else
 * counted as a failure at once (the lock falls on the attempt that uses up the count).
 */
export function reserveAttempt (state: ThrottleState | undefined, now: Date, policy: ThrottlePolicy): { ok: true, state: ThrottleState } | { ok: false, until: Date } {
  const locked = lockedUntil(state, now)
  if (locked) return { ok: false, until: locked }
  return { ok: true, state: afterFailure(state, now, policy) }
}

/**
 * Gives a reserved attempt back when the password was right: the count drops by
 * one, and a lock that only this attempt's reservation set is lifted.
 */
export function refundAttempt (state: ThrottleState | undefined, now: Date, policy: ThrottlePolicy): ThrottleState | undefined {
  const current = stillCounting(state, now.getTime(), policy)
  if (!current) return state
  const failures = Math.max(0, current.failures - 1)
  return { failures, windowStartedAt: current.windowStartedAt, lockedUntil: failures >= policy.maxFailures ? current.lockedUntil : null }
}

export function minutesLeft (until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60000))
}
