/** Keys (and names) longer than this are cut in messages and logs. */
export const SHOWN_KEY_LENGTH = 200;

/**
 * A key as messages and logs show it: whole up to `SHOWN_KEY_LENGTH` characters, else its first
 * 120 characters, an ellipsis and its size, so a 2 MB key never makes a 2 MB error or log line.
 *
 * @example
 * shownKey('/microservices/greeter/1'); // '/microservices/greeter/1'
 * shownKey(`/microservices/${'n'.repeat(2_000_000)}/1`); // '/microservices/nnnn…(2000017 bytes)'
 */
export function shownKey(key: string): string {
  if (key.length <= SHOWN_KEY_LENGTH) return key;
  return `${key.slice(0, 120)}…(${Buffer.byteLength(key)} bytes)`;
}
