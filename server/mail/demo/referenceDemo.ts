import type { Db } from '../../data/prisma.ts';
import { DEFAULT_DEMO_NAME, DEFAULT_DEMO_SEED, seedDemoData, type DemoSeedOptions, type DemoSeedResult } from './seed.ts';

/**
 * The demo that tests and benchmarks rely on: a fixed seed, anchor instant
 * and time zone, so its content is identical on every run and machine. The
 * anchor is Friday 2026-11-20 18:00 in Asia/Shanghai (10:00 UTC).
 */
export const REFERENCE_DEMO = {
  seed: DEFAULT_DEMO_SEED,
  anchor: new Date('2026-11-20T18:00:00+08:00'),
  timeZone: 'Asia/Shanghai',
  email: 'demo@agentwire.local',
  password: 'agentwire-demo',
  name: DEFAULT_DEMO_NAME,
} as const;

export const REFERENCE_DEMO_SEED_OPTIONS: DemoSeedOptions = {
  email: REFERENCE_DEMO.email,
  password: REFERENCE_DEMO.password,
  name: REFERENCE_DEMO.name,
  timeZone: REFERENCE_DEMO.timeZone,
  now: REFERENCE_DEMO.anchor,
  seed: REFERENCE_DEMO.seed,
};

export function seedReferenceDemo(db: Db): Promise<DemoSeedResult> {
  return seedDemoData(db, REFERENCE_DEMO_SEED_OPTIONS);
}
