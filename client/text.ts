// Text as the views show it.

/** `text` cut to at most `max` characters, an ellipsis marking the cut. */
export const shorten = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
