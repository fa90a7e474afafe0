import { lazy, Suspense, type ComponentProps } from 'react';
import type * as MarkdownModule from './Markdown.tsx';

// The markdown stack (react-markdown, remark, micromark) is a third of the chat's
// code: the chat opens without waiting for it, and answers show as plain text
// for the moment it takes to arrive (ChatScreen starts loading it at once).
let loaded: typeof MarkdownModule | null = null;
export const loadMarkdown = () => import('./Markdown.tsx').then((m) => (loaded = m));
const Deferred = lazy(() => loadMarkdown().then((m) => ({ default: m.Markdown })));

export function LazyMarkdown(props: ComponentProps<typeof MarkdownModule.Markdown>) {
  if (loaded) return <loaded.Markdown {...props} />;
  return (
    <Suspense fallback={<p className="answer-plain">{props.text}</p>}>
      <Deferred {...props} />
    </Suspense>
  );
}
