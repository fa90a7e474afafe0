/** Where "now" comes from: injected everywhere so tests can fix or move time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
