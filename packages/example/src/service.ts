import 'reflect-metadata';
import { pino } from 'pino';
import { LifecycleKernel, lifecycleTrace, SERVER, type Logger, type TransportServer } from '@kratos-ts/core';
import { createExampleApp } from './app.js';
import { closeWithin } from './close-within.js';
import { readConfig } from './config.js';
import { withInjectedFault } from './fault-injection.js';
import { logFormat, showStartupTable } from './output-mode.js';

// The example greeter: `npm start` at the repository root. Ctrl+C (or SIGTERM) drains and exits 0.
// No top-level await: the bundle `dist/main.js` runs is CommonJS (see scripts/bundle.mjs).
//
// LOG_FORMAT: `json` or `pretty`; unset, pretty in a terminal and JSON elsewhere (CI, containers,
// pipes). In a terminal with LOG_FORMAT unset, a startup table is printed at `running`.
// KRATOS_TRACE=path.json: the lifecycle as a Chrome trace (Perfetto), written once stopped.
// CLOSE_TIMEOUT_MS (default 5000) bounds each closing step after the stop (config.ts).
// EXAMPLE_FAULT=close-hangs: a fault for the tests (fault-injection.ts); never set otherwise.
// OTEL_EXPORTER_OTLP_ENDPOINT: traces and metrics exported over OTLP/HTTP (OTEL_* honoured);
// METRICS=1: GET /metrics on the HTTP port. Neither: no OpenTelemetry SDK is loaded (config.ts).
// What only a terminal uses (the pretty printer, the table) is imported lazily: the JSON path
// never runs it.
async function main(): Promise<void> {
  const env = process.env;
  const tty = process.stdout.isTTY === true;
  const logger = await createLogger(env, tty);
  const config = readConfig();
  const app = withInjectedFault(await createExampleApp(config, logger), env.EXAMPLE_FAULT);
  const kernel = app.container.get(LifecycleKernel);
  // Before run(): the lifecycle's own spans start with it. The SDK flushes once the kernel stopped.
  app.telemetry?.start(kernel);
  const tracePath = env.KRATOS_TRACE || undefined;
  const trace = tracePath === undefined ? undefined : lifecycleTrace(kernel);
  if (showStartupTable(env, tty)) {
    const { printStartupTable } = await import('./startup-table.js');
    printStartupTable(kernel.events$, () => app.container.getAll<TransportServer>(SERVER), process.stdout);
  }
  try {
    await kernel.run();
  } catch (error) {
    logger.error({ err: error }, 'the greeter failed');
    process.exitCode = 1;
  } finally {
    if (trace !== undefined && tracePath !== undefined) {
      trace.stop();
      try {
        await trace.write(tracePath);
        logger.info({ trace: tracePath }, `lifecycle trace written to ${tracePath}`);
      } catch (error) {
        logger.error({ err: error }, `could not write the lifecycle trace to ${tracePath}`);
      }
    }
    // Bounded: a close that hangs (an etcd client while etcd is frozen) must not keep the process
    // alive; what hangs holds a handle, so only an explicit exit ends the process then.
    const report = await closeWithin([{ name: 'app.close', close: () => app.close() }], {
      timeoutMs: config.closeTimeout,
      timeoutName: 'CLOSE_TIMEOUT_MS',
      logger,
    });
    // The flush began when the kernel stopped, bounded by its own timeout (2000 ms). Past it, an
    // exporter retrying a collector that is down holds a timer: exit rather than wait for it.
    const flushed = await app.telemetry?.shutdown();
    if (report.hung.length > 0 || flushed?.status === 'timeout') process.exit(process.exitCode ?? 0);
  }
}

async function createLogger(env: NodeJS.ProcessEnv, tty: boolean): Promise<Logger> {
  const options = { name: 'greeter', level: env.LOG_LEVEL ?? 'info' };
  // Typed as core's Logger: pino's own type (an index signature of log functions) looks thenable.
  let logger: Logger;
  if (logFormat(env, tty) === 'json') logger = pino(options);
  else {
    const { prettyStream } = await import('./pretty-log.js');
    // Colours only on a terminal that has them (hasColors() reads NO_COLOR, FORCE_COLOR and TERM).
    logger = pino(options, prettyStream(process.stdout, tty && process.stdout.hasColors()));
  }
  return logger;
}

main().catch((error: unknown) => {
  // A configuration error, before the logger could say anything: printed like an uncaught error.
  console.error(error);
  process.exitCode = 1;
});
