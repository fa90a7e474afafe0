/**
 * The assistant's side of a run as an ordered list of parts — text, a tool
 * call, more text… — in the order the model produced them, like the AI SDK's
 * message parts or Anthropic's content blocks. Text written before a tool call
 * stays where it was written; nothing is reclassified after the fact.
 */
import { z } from 'zod';

export const TextPartSchema = z.object({ type: z.literal('text'), text: z.string() });
export type TextPart = z.infer<typeof TextPartSchema>;

/** A tool call's place in the turn; its arguments and result travel in the tool events (and tool rows). */
export const ToolCallPartSchema = z.object({ type: z.literal('tool_call'), tool_call_id: z.string(), tool_name: z.string() });
export type ToolCallPart = z.infer<typeof ToolCallPartSchema>;

export const MessagePartSchema = z.discriminatedUnion('type', [TextPartSchema, ToolCallPartSchema]);
export type MessagePart = z.infer<typeof MessagePartSchema>;

/** Separator between text parts when a run's text is shown as one string. */
export const TEXT_PART_SEPARATOR = '\n\n';

/** The text of a list of parts as one string: text parts joined by a blank line. */
export function textOfParts(parts: readonly (MessagePart | null | undefined)[]): string {
  const texts: string[] = [];
  for (const p of parts) if (p?.type === 'text' && p.text) texts.push(p.text);
  return texts.join(TEXT_PART_SEPARATOR);
}

/** A run's answer when only its parts are known: the last part, if it is text. */
export function answerOfParts(parts: readonly MessagePart[]): string {
  const last = parts.at(-1);
  return last?.type === 'text' ? last.text : '';
}
