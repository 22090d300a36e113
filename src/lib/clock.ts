export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock that only moves when told to; tests use it to cross deadlines and lockouts. */
export class ManualClock implements Clock {
  private ms: number
  constructor (start: Date | number = Date.UTC(2026, 10, 26, 2, 0, 0)) {
    this.ms = typeof start === 'number' ? start : start.getTime()
  }

  now (): Date { return new Date(this.ms) }
  advance (ms: number): void { this.ms += ms }
  set (to: Date | number): void { this.ms = typeof to === 'number' ? to : to.getTime() }
}
