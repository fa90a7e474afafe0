/**
 * The shape of a conversation template. A thread realises a prefix of its
 * steps (so some threads end with a question still open); the composer adds
 * greetings, sign-offs, quoting and headers.
 */
import type { SenderKey } from './people.ts';

export type Lang = 'en' | 'zh';

export interface Step {
  /** Who writes it: the thread's correspondent, the mailbox owner, or the cc'd third person. */
  by: 'them' | 'me' | 'other';
  text: string;
  /**
   * full: greeting, text, sign-off (default); short: text and a name;
   * all: a greeting to everyone (announcements).
   */
  style?: 'full' | 'short' | 'all';
}

export interface ThreadScript {
  key: string;
  lang: Lang;
  /** The correspondent is drawn from these. */
  with: readonly SenderKey[];
  /** A third person, cc'd from the start, drawn from these. */
  cc?: readonly SenderKey[];
  subject: string;
  labels: readonly string[];
  steps: readonly Step[];
  /** Relative frequency (default 1). */
  weight?: number;
  /** At most this many threads from the template (announcements, one-off topics). */
  max?: number;
  /** At least this many days between two threads from the template (default 3; 7 for a weekly report). */
  every?: number;
  /** A thread starts every week on this weekday (0 = Sunday), instead of at random. */
  weekly?: number;
  /** The thread always runs to its last step (it makes no sense cut short). */
  complete?: boolean;
}
