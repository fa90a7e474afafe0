import { useState } from 'react';
import { countIn, emailsIn, reportsIn, type EmailRef, type ReportRef } from '../chat/toolResults.ts';
import type { ToolCallView } from '../chat/types.ts';
import { formatDuration, langOf } from '../lib/format.ts';
import { useUi } from '../stores/context.tsx';

const TOOL_LABELS: Record<string, string> = {
  search_emails: 'Search emails',
  count_emails: 'Count emails',
  read_email: 'Read an email',
  list_daily_reports: 'List daily reports',
  read_daily_report: 'Read a daily report',
};

const STATE_LABELS = { running: 'Running', done: 'Done', failed: 'Failed' } as const;

function formatArg(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function EmailList({ emails, total }: { emails: EmailRef[]; total?: number }) {
  const openEmail = useUi((s) => s.openEmail);
  if (emails.length === 0) return <p className="tool-note">No emails matched.</p>;
  return (
    <>
      <p className="tool-note">
        {total !== undefined && total > emails.length ? `${emails.length} of ${total} emails` : `${emails.length} email${emails.length === 1 ? '' : 's'}`}
      </p>
      <ul className="email-list">
        {emails.map((e) => (
          <li key={e.id}>
            <button type="button" className="email-row" onClick={() => openEmail(e.id)} lang={langOf(e.subject + e.from)}>
              <span className="email-from">{e.from}</span>
              <span className="email-subject">{e.subject || '(no subject)'}</span>
              {e.date ? <span className="email-date">{e.date}</span> : null}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

function ReportList({ reports, missingDate }: { reports: ReportRef[]; missingDate?: string }) {
  const openEmail = useUi((s) => s.openEmail);
  if (reports.length === 0) return <p className="tool-note">{missingDate ? `No report for ${missingDate}.` : 'No reports in that range.'}</p>;
  return (
    <ul className="report-list">
      {reports.map((r) => (
        <li key={r.date} lang={langOf(r.summary)}>
          <span className="report-date">{r.date}</span>
          {r.emails !== undefined ? <span className="report-count"> · {r.emails} emails</span> : null}
          <p>{r.summary}</p>
          {r.highlights.length > 0 ? (
            <ul className="highlights">
              {r.highlights.map((h, i) => (
                <li key={i} className={`highlight highlight-${h.kind}`}>
                  {h.text}
                  {h.emailId ? (
                    <>
                      {' '}
                      <button type="button" className="link-button" onClick={() => openEmail(h.emailId!)}>
                        Open email
                      </button>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function ToolResult({ result }: { result: unknown }) {
  const emails = emailsIn(result);
  if (emails) return <EmailList {...emails} />;
  const reports = reportsIn(result);
  if (reports) return <ReportList {...reports} />;
  const counted = countIn(result);
  if (counted?.groups.length) {
    return (
      <ul className="count-list">
        {counted.groups.map((g, i) => (
          <li key={i} lang={langOf(g.label)}>
            {g.label}
            {g.you ? ' (you)' : ''} — {g.count}
          </li>
        ))}
      </ul>
    );
  }
  return <pre className="tool-json">{typeof result === 'string' ? result : JSON.stringify(result, null, 2)}</pre>;
}

/** "12 emails", "2 reports": what came back, in a word. */
function resultCount(call: ToolCallView): string | null {
  if (call.state !== 'done') return null;
  const emails = emailsIn(call.result);
  if (emails) {
    const n = emails.total ?? emails.emails.length;
    return `${n} email${n === 1 ? '' : 's'}`;
  }
  const reports = reportsIn(call.result);
  if (reports) return reports.reports.length === 0 ? 'no report' : `${reports.reports.length} report${reports.reports.length === 1 ? '' : 's'}`;
  const counted = countIn(call.result);
  if (counted) return `${counted.total} email${counted.total === 1 ? '' : 's'}`;
  return null;
}

const argsSummary = (args: Record<string, unknown>) =>
  Object.entries(args)
    .map(([k, v]) => `${k}: ${formatArg(v)}`)
    .join(' · ');

/**
 * One tool call, compact: a one-line summary (tool, arguments, what came
 * back, how long) that expands on click to the arguments and the full result
 * in a scrolling area of bounded height.
 */
export function ToolCallCard({ call }: { call: ToolCallView }) {
  const [open, setOpen] = useState(false);
  const args = Object.entries(call.args);
  const bodyId = `tool-body-${call.id}`;
  const count = resultCount(call);
  const summary = argsSummary(call.args);
  return (
    <section className={`tool-card tool-${call.state}${open ? ' open' : ''}`} data-tool-state={call.state} data-tool-name={call.name}>
      <h3 className="tool-heading">
        <button type="button" className="tool-summary" aria-expanded={open} aria-controls={bodyId} onClick={() => setOpen(!open)}>
          <span className="tool-state" aria-hidden="true">
            {call.state === 'running' ? <span className="spinner" /> : call.state === 'done' ? '✓' : '✕'}
          </span>
          <span className="tool-name">{TOOL_LABELS[call.name] ?? call.name}</span>
          {summary ? (
            <span className="tool-args-summary" lang={langOf(summary)}>
              {summary}
            </span>
          ) : null}
          <span className="tool-status">
            <span className="visually-hidden">{STATE_LABELS[call.state]}</span>
            {count ? <span className="tool-count">{count}</span> : null}
            {call.durationMs !== undefined ? <span className="tool-duration">{formatDuration(call.durationMs)}</span> : null}
          </span>
          <span className="tool-chevron" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>
        </button>
      </h3>
      {call.state === 'failed' && call.error ? (
        <p className="tool-error" role="note">
          {call.error.message}
        </p>
      ) : null}
      {open ? (
        <div className="tool-body" id={bodyId}>
          {args.length > 0 ? (
            <dl className="tool-args">
              {args.map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd lang={langOf(formatArg(v))}>{formatArg(v)}</dd>
                </div>
              ))}
            </dl>
          ) : null}
          {call.state === 'done' ? (
            <div className="tool-result" tabIndex={0} role="region" aria-label={`Result of ${TOOL_LABELS[call.name] ?? call.name}`}>
              <ToolResult result={call.result} />
              <details className="tool-raw">
                <summary>Raw result</summary>
                <pre className="tool-json">{JSON.stringify(call.result, null, 2)}</pre>
              </details>
            </div>
          ) : call.state === 'running' ? (
            <p className="tool-note">Running…</p>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
