/** True when `h` has the header `name` (lower case), whatever the case of its key. */
export const hasHeader = (h: Record<string, string>, name: string): boolean => Object.keys(h).some((k) => k.toLowerCase() === name);
