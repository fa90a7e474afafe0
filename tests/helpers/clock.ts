import type { Clock } from '../../server/time/clock.ts';

/** A clock tests move by hand; it runs from `start` (default: the real time) at real speed. */
export class ManualClock implements Clock {
  private offset: number;
  constructor(start?: number) {
    this.offset = start === undefined ? 0 : start - Date.now();
  }
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}
