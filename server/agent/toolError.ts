/**
 * A tool failure whose message is meant for the model and the user ("No email
 * with id …"). Any other error a tool throws is reported with a generic
 * message, so database or library internals do not leak into the chat.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}
