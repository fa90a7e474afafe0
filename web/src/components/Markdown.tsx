import { Children, createContext, isValidElement, memo, useContext, type ReactNode } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { closeOpenMarkdown, keepAngleAddresses } from '../lib/markdownText.ts';
import { useUi } from '../stores/context.tsx';

/** Emails the answer may name (subject → id), from its tool results. */
const NamedEmails = createContext<ReadonlyMap<string, string>>(new Map());

const textOf = (children: ReactNode): string =>
  typeof children === 'string' ? children : Array.isArray(children) ? children.map(textOf).join('') : '';

/** A bold email subject the tools returned opens that email in the side panel. */
function Strong({ children }: { children?: ReactNode }) {
  const emails = useContext(NamedEmails);
  const openEmail = useUi((s) => s.openEmail);
  const id = emails.get(textOf(children).trim());
  if (!id) return <strong>{children}</strong>;
  return (
    <button type="button" className="email-link" onClick={() => openEmail(id)} title="Open this email">
      <strong>{children}</strong>
    </button>
  );
}

/** Where a link or image points, for its label (the raw src when it is not a URL). */
function hostOf(src: string): string {
  try {
    return new URL(src, window.location.href).host || src;
  } catch {
    return src;
  }
}

/**
 * Paragraphs keep their soft line breaks (white-space: pre-line, for quoted
 * email), so a hard break's own newline would show as a blank line after its
 * <br>: it is dropped.
 */
function Paragraph({ children }: { children?: ReactNode }) {
  let afterBreak = false;
  const lines = Children.toArray(children).map((child) => {
    const text = afterBreak && typeof child === 'string' ? child.replace(/^\n/, '') : child;
    afterBreak = isValidElement(child) && child.type === 'br';
    return text;
  });
  return <p>{lines}</p>;
}

// No rehype-raw: HTML in an answer is never rendered, and react-markdown's
// default URL filter drops javascript: and other unsafe links. Answers quote
// email text, so an image is never fetched on its own (a remote image is a
// tracking pixel or an exfiltration channel): it shows as a link that opens
// it on click, without a Referer. The CSP (img-src 'self' data:) backs this up.
const components: Components = {
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer" referrerPolicy="no-referrer" />,
  img: ({ src, alt }) => {
    const href = typeof src === 'string' ? src : '';
    if (!href) return <span className="md-image-link">{alt ? `[image: ${alt}]` : '[image]'}</span>;
    return (
      <a
        className="md-image-link"
        href={href}
        target="_blank"
        rel="noopener noreferrer"
        referrerPolicy="no-referrer"
        title={`Open the image from ${hostOf(href)} (not loaded automatically)`}
      >
        {`[image${alt ? `: ${alt}` : ''} · ${hostOf(href)} · click to load]`}
      </a>
    );
  },
  table: ({ node: _node, ...props }) => (
    <div className="table-scroll">
      <table {...props} />
    </div>
  ),
  strong: ({ children }) => <Strong>{children}</Strong>,
  p: ({ children }) => <Paragraph>{children}</Paragraph>,
};

const plugins = [remarkGfm];

const noEmails = new Map<string, string>();

/** An answer rendered as markdown; while it streams, an unfinished bold or code span is closed for the render. */
export const Markdown = memo(function Markdown({
  text,
  streaming = false,
  emails = noEmails,
}: {
  text: string;
  streaming?: boolean;
  emails?: ReadonlyMap<string, string>;
}) {
  const source = keepAngleAddresses(streaming ? closeOpenMarkdown(text) : text);
  return (
    <NamedEmails.Provider value={emails}>
      <ReactMarkdown remarkPlugins={plugins} components={components} skipHtml>
        {source}
      </ReactMarkdown>
    </NamedEmails.Provider>
  );
});
