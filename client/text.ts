// Text as the views show it.

/** `text` cut to at most `max` characters, an ellipsis marking the cut. */
export const shorten = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A count with its noun: `1 bottleneck`, `3 bottlenecks`. */
export const countOf = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
