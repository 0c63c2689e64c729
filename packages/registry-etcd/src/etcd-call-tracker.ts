import type { InterceptingCall, Interceptor } from '@grpc/grpc-js';
import { grpcJsOfEtcd3 } from './our-etcd3.js';

/**
 * Keeps every gRPC call an etcd3 client has open, so they can be cut. Closing a gRPC channel does
 * not end its calls: an open stream (a watch, a lease keepalive) or a revoke waiting on an etcd
 * that is frozen keeps its socket referenced, and so the process alive, until etcd answers.
 */
export interface EtcdCallTracker {
  /** The interceptor to pass in the client's `grpcOptions.interceptors`. */
  readonly interceptor: Interceptor;
  /** How many calls are open now. */
  readonly open: () => number;
  /** Cancels every open call (`CANCELLED`, with `reason`); returns how many it cut. */
  readonly cancelAll: (reason: string) => number;
}

/** Creates an `EtcdCallTracker`. */
export function etcdCallTracker(): EtcdCallTracker {
  const { InterceptingCall, status } = grpcJsOfEtcd3();
  const calls = new Set<InterceptingCall>();
  const interceptor: Interceptor = (options, nextCall) => {
    const call: InterceptingCall = new InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) =>
        next(metadata, {
          onReceiveStatus: (received, nextStatus) => {
            calls.delete(call);
            nextStatus(received);
          },
        }),
    });
    calls.add(call);
    return call;
  };
  return {
    interceptor,
    open: () => calls.size,
    cancelAll: (reason) => {
      const open = [...calls];
      calls.clear();
      for (const call of open) call.cancelWithStatus(status.CANCELLED, reason);
      return open.length;
    },
  };
}
