/** The value of the header `name` (lower case), whatever the case of its key in `h`. */
export const headerValue = (h: Record<string, string> | undefined, name: string): string | undefined => {
  if (!h) return undefined;
  if (h[name] !== undefined) return h[name];
  for (const k in h) if (k.toLowerCase() === name) return h[k];
  return undefined;
};

/** True when `h` has the header `name` (lower case), whatever the case of its key. */
export const hasHeader = (h: Record<string, string>, name: string): boolean => headerValue(h, name) !== undefined;
