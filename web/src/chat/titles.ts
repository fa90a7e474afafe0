/** The title the server gives a session until its first message names it. */
export const DEFAULT_SESSION_TITLE = 'New chat';
