import { describe, expect, it } from '@jest/globals';
import { checkServerIdentity } from 'node:tls';
import type { Logger } from '@kratos-ts/core';
import { createHttpClient } from '../../src/client.js';

// Defect: tls: { rejectUnauthorized: false } or a checkServerIdentity that accepts any host turned
// certificate verification off without a word.

function recordingLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const ignore = (): void => undefined;
  const logger: Logger = {
    debug: ignore,
    info: ignore,
    error: ignore,
    warn: (...args: unknown[]) => void warnings.push(args.map(String).join(' ')),
  };
  return { logger, warnings };
}

describe('an HTTP client that turns TLS verification off', () => {
  it('warns once, naming rejectUnauthorized', async () => {
    const { logger, warnings } = recordingLogger();
    const client = createHttpClient({
      target: 'https://127.0.0.1:1',
      tls: { rejectUnauthorized: false },
      logger,
      retry: false,
      timeout: 2_000,
    });
    // Requests do not repeat the warning.
    await client.request({ method: 'GET', path: '/' }).catch(() => undefined);
    await client.request({ method: 'GET', path: '/' }).catch(() => undefined);
    await client.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('tls.rejectUnauthorized: false');
    expect(warnings[0]).toContain('https://127.0.0.1:1');
  });

  it('warns once, naming checkServerIdentity, when it accepts any host', async () => {
    const { logger, warnings } = recordingLogger();
    const client = createHttpClient({
      target: 'https://127.0.0.1:1',
      tls: { checkServerIdentity: () => undefined },
      logger,
    });
    await client.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('tls.checkServerIdentity');
  });

  it('says nothing when verification stays on', async () => {
    const { logger, warnings } = recordingLogger();
    const client = createHttpClient({
      target: 'https://127.0.0.1:1',
      tls: { rejectUnauthorized: true, checkServerIdentity },
      logger,
    });
    await client.close();
    expect(warnings).toEqual([]);
  });
});
