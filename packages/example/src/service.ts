import 'reflect-metadata';
import { pino } from 'pino';
import { LifecycleKernel } from '@kratos-ts/core';
import { createExampleApp } from './app.js';
import { readConfig } from './config.js';

// The example greeter: `npm start` at the repository root. Ctrl+C (or SIGTERM) drains and exits 0.
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
