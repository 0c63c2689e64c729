import { grpcJsCopyHolding, type GrpcJsCopy } from './grpc-js-copy.js';

// Thrown from the probe's traps to stop the probed function at its first touch of the probe.
const STOP = new Error('grpc-js copy probe: stopped');

/**
 * Finds which copy of `@grpc/grpc-js` a function comes from: `call` hands `probe` to a grpc-js
 * function or method that reads it (`credentials._equals(probe)` tests `probe instanceof …`,
 * `experimental.uriToString(probe)` reads `probe.scheme`). The probe's first trap records the
 * stack, whose frames name the grpc-js file running, and stops the call there, so nothing else of
 * it runs. `undefined` when no frame is in a grpc-js package (bundled, or the call never touched the
 * probe). Never throws.
 *
 * JavaScript has no way to ask where a class was defined; an `instanceof` against our copy's class
 * only says "not ours". This names the other copy, so that an error can say where it is.
 *
 * @example
 * locateGrpcJs((probe) => credentials._equals(probe as ServerCredentials));
 * // { root: '/app/node_modules/@grpc/grpc-js', version: '1.13.4' }
 */
export function locateGrpcJs(call: (probe: object) => unknown): GrpcJsCopy | undefined {
  let files: readonly string[] = [];
  const trap = (): never => {
    files = stackFiles();
    throw STOP;
  };
  const probe = new Proxy(
    {},
    {
      get: trap,
      has: trap,
      getPrototypeOf: trap,
      getOwnPropertyDescriptor: trap,
      ownKeys: trap,
      set: trap,
    },
  );
  try {
    call(probe);
  } catch {
    // STOP, or whatever the probed function made of it: the stack, if any, was recorded.
  }
  for (const file of files) {
    const copy = grpcJsCopyHolding(file);
    if (copy) return copy;
  }
  return undefined;
}

/** The files of the current stack's frames, callers included, whatever the app did to stack traces. */
function stackFiles(): string[] {
  const prepare = Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace');
  const { stackTraceLimit } = Error;
  try {
    Error.stackTraceLimit = 32;
    Error.prepareStackTrace = (_error, frames) => frames;
    const frames = new Error().stack as unknown as NodeJS.CallSite[];
    return frames.flatMap((frame) => frame.getFileName() ?? []);
  } catch {
    return [];
  } finally {
    // Put back exactly what was there (source-map-support's formatter, or nothing at all).
    if (prepare) Object.defineProperty(Error, 'prepareStackTrace', prepare);
    else delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}
