import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { MailConnectionFailure } from '../../../shared/api.ts';
import type { Logger } from '../../logger.ts';

export interface ImapEndpoint {
  host: string;
  port: number;
  /** Implicit TLS (usually port 993). Plain connections are upgraded with STARTTLS when the server offers it. */
  tls: boolean;
  username: string;
  password: string;
}

export interface ImapClientOptions {
  connectMs?: number;
  socketMs?: number;
}

/** An IMAP failure sorted by what the user can do about it; `message` is safe to show and never holds the password. */
export class MailConnectionError extends Error {
  constructor(
    readonly reason: MailConnectionFailure,
    message: string,
    /** Worth retrying later (the server or network may come back); a rejected login is not. */
    readonly transient: boolean,
  ) {
    super(message);
  }
}

const TLS_CODES = /^(ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_|ERR_OSSL|EPROTO$|HOSTNAME_MISMATCH)/;
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'EADDRNOTAVAIL']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ETIMEOUT', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT']);
const CLOSED_CODES = new Set(['NoConnection', 'EConnectionClosed', 'ClosedAfterConnectText', 'ClosedAfterConnectTLS']);

/** What went wrong talking to `host:port`, in words a user can act on. */
export function classifyImapError(err: unknown, ep: Pick<ImapEndpoint, 'host' | 'port' | 'tls'>): MailConnectionError {
  if (err instanceof MailConnectionError) return err;
  const e = err as { code?: string; authenticationFailed?: boolean; message?: string; responseText?: string; serverResponseCode?: string };
  const where = `${ep.host}:${ep.port}`;
  if (e?.authenticationFailed) {
    return new MailConnectionError('authentication_failed', `The IMAP server at ${where} rejected the user name or password`, false);
  }
  const code = e?.code ?? '';
  const message = e?.message ?? '';
  if (TLS_CODES.test(code) || /ssl|tls|certificate|wrong version number/i.test(message)) {
    const hint = ep.tls ? ' (is TLS on for this port? Port 143 usually needs TLS off, 993 on)' : '';
    return new MailConnectionError('tls_failed', `The secure (TLS) connection to ${where} failed${hint}: ${tlsDetail(code, message)}`, false);
  }
  if (UNREACHABLE_CODES.has(code)) {
    const why = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'the host name was not found' : code === 'ECONNREFUSED' ? 'the connection was refused' : 'the network failed';
    return new MailConnectionError('unreachable', `Cannot reach the IMAP server at ${where}: ${why}`, true);
  }
  if (TIMEOUT_CODES.has(code)) return new MailConnectionError('timeout', `The IMAP server at ${where} did not answer in time`, true);
  if (CLOSED_CODES.has(code)) {
    const hint = code === 'ClosedAfterConnectText' && !ep.tls ? ' (does this port need TLS?)' : '';
    return new MailConnectionError('unreachable', `The IMAP server at ${where} closed the connection${hint}`, true);
  }
  return new MailConnectionError('protocol', `The IMAP server at ${where} answered unexpectedly: ${oneLine(e?.responseText ?? message ?? 'unknown error')}`, true);
}

function tlsDetail(code: string, message: string): string {
  if (/wrong version number|ERR_SSL_WRONG_VERSION_NUMBER/i.test(code + message)) return 'the server does not speak TLS on this port';
  if (/self.signed|SELF_SIGNED/i.test(code + message)) return 'the server’s certificate is self-signed';
  if (/expired/i.test(code + message)) return 'the server’s certificate has expired';
  if (/hostname|altname|HOSTNAME_MISMATCH/i.test(code + message)) return 'the certificate is for another host name';
  return oneLine(message || code);
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').slice(0, 200);

/** A client for one endpoint; imapflow's own logging is routed to pino at debug (it never logs the password). */
export function createImapClient(ep: ImapEndpoint, log: Logger, timeouts: ImapClientOptions = {}): ImapFlow {
  const options: ImapFlowOptions = {
    host: ep.host,
    port: ep.port,
    secure: ep.tls,
    auth: { user: ep.username, pass: ep.password },
    logger: false,
    emitLogs: false,
    connectionTimeout: timeouts.connectMs ?? 15_000,
    greetingTimeout: timeouts.connectMs ?? 15_000,
    socketTimeout: timeouts.socketMs ?? 5 * 60_000,
    disableAutoIdle: true,
    // IDLE is renewed this often: some servers drop an IDLE left alone for 30 minutes.
    maxIdleTime: 4 * 60_000,
    // Servers without IDLE are polled with STATUS, which notices new mail in the selected folder too.
    missingIdleCommand: 'STATUS',
  };
  const client = new ImapFlow(options);
  // Without a listener, an 'error' after connect (a dropped socket) would crash the process.
  client.on('error', (err: Error) => log.debug({ err: { message: err.message, code: (err as { code?: string }).code } }, 'imap connection error'));
  return client;
}

/** Connects and logs in, then logs out: the account is usable. Throws a MailConnectionError. */
export async function checkImapLogin(ep: ImapEndpoint, log: Logger, timeouts?: ImapClientOptions): Promise<void> {
  const client = createImapClient(ep, log, timeouts);
  try {
    await client.connect();
  } catch (err) {
    client.close();
    throw classifyImapError(err, ep);
  }
  await client.logout().catch(() => client.close());
}
