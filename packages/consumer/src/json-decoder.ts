import type { MessageDecoder } from './consumer-handler.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The default decoder: the body as UTF-8 JSON. A body that is not valid UTF-8 or not JSON throws,
 * so the message is dead-lettered at once.
 */
export const jsonDecoder: MessageDecoder<unknown> = (body) => JSON.parse(utf8.decode(body)) as unknown;
