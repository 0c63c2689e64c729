import 'reflect-metadata';
import { pino } from 'pino';
import { LifecycleKernel } from '@kratos-ts/core';
import { createExampleApp } from './app.js';
import { readConfig } from './config.js';

// The example greeter: `npm start` at the repository root. Ctrl+C (or SIGTERM) drains and exits 0.
// No top-level await: the bundle `dist/main.js` runs is CommonJS (see scripts/bundle.mjs).
async function main(): Promise<void> {
  const logger = pino({ name: 'greeter', level: process.env.LOG_LEVEL ?? 'info' });
  const app = await createExampleApp(readConfig(), logger);
  try {
    await app.container.get(LifecycleKernel).run();
  } catch (error) {
    logger.error({ err: error }, 'the greeter failed');
    process.exitCode = 1;
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  // A configuration error, before the logger could say anything: printed like an uncaught error.
  console.error(error);
  process.exitCode = 1;
});
