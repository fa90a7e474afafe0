import { memo } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

/** Where a link or image points, for its label (the raw src when it is not a URL). */
function hostOf(src: string): string {
  try {
    return new URL(src, window.location.href).host || src;
  } catch {
    return src;
  }
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
};

const plugins = [remarkGfm];

/** An answer rendered as markdown. */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <ReactMarkdown remarkPlugins={plugins} components={components} skipHtml>
      {text}
    </ReactMarkdown>
  );
});
