/**
 * Streams the messages of an mbox file without loading the file: a message
 * starts at a "From " line at the top of the file or after a blank line, and
 * body lines escaped as ">From " (any number of ">", mboxrd) lose one ">".
 * Bytes are kept as they are, so 8-bit bodies in any charset survive for the
 * MIME parser.
 */
import { createReadStream } from 'node:fs';

export interface MboxMessage {
  /** 1-based position in the file. */
  index: number;
  raw: Buffer;
  /** The date on the "From " separator line, if it has a readable one. */
  envelopeDate?: Date;
}

const FROM_ = Buffer.from('From ');
const ESCAPED_FROM = /^>+From /;

function isBlank(line: Buffer): boolean {
  return line.length === 0 || (line.length === 1 && line[0] === 0x0d);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ASCTIME = /\b([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(?:([+-])(\d{2})(\d{2})\s+)?(\d{4})\b/;

/**
 * The date of a separator such as "From bob@example.com Fri Mar 13 09:00:00 2026"
 * (asctime, taken as UTC unless an offset precedes the year).
 */
export function envelopeDate(separator: Buffer): Date | undefined {
  const m = ASCTIME.exec(separator.toString('latin1'));
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1]!.toLowerCase());
  if (month < 0) return undefined;
  const offsetMin = m[6] ? (m[6] === '-' ? -1 : 1) * (Number(m[7]) * 60 + Number(m[8])) : 0;
  const utc = Date.UTC(Number(m[9]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5] ?? 0));
  return new Date(utc - offsetMin * 60_000);
}

function unescape(line: Buffer): Buffer {
  if (line[0] !== 0x3e /* > */) return line;
  return ESCAPED_FROM.test(line.subarray(0, 64).toString('latin1')) ? line.subarray(1) : line;
}

export async function* readMbox(path: string): AsyncGenerator<MboxMessage> {
  let lines: Buffer[] = [];
  let separator: Buffer | undefined;
  let pending = Buffer.alloc(0);
  let previousBlank = true;
  let index = 0;

  function finish(): MboxMessage | undefined {
    if (!separator) return undefined;
    // The blank line before the next separator belongs to the mbox format, not to the message.
    const body = lines.length > 0 && isBlank(lines[lines.length - 1]!) ? lines.slice(0, -1) : lines;
    const raw = Buffer.concat(body.flatMap((l) => [l, Buffer.from('\n')]));
    index += 1;
    return { index, raw, envelopeDate: envelopeDate(separator) };
  }

  function* take(line: Buffer): Generator<MboxMessage> {
    if (previousBlank && line.subarray(0, FROM_.length).equals(FROM_)) {
      const done = finish();
      if (done) yield done;
      separator = line;
      lines = [];
    } else if (separator) {
      lines.push(unescape(line));
    }
    previousBlank = isBlank(line);
  }

  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let data = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let nl: number;
    while ((nl = data.indexOf(0x0a)) !== -1) {
      yield* take(data.subarray(0, nl));
      data = data.subarray(nl + 1);
    }
    // Copy: the rest of a chunk would otherwise keep the whole chunk alive.
    pending = Buffer.from(data);
  }
  if (pending.length) yield* take(pending);
  const last = finish();
  if (last) yield last;
}

/** Whether a file looks like an mbox (its first line is a "From " separator). */
export async function looksLikeMbox(path: string): Promise<boolean> {
  for await (const chunk of createReadStream(path, { start: 0, end: FROM_.length - 1 }) as AsyncIterable<Buffer>) {
    return chunk.equals(FROM_);
  }
  return false;
}
