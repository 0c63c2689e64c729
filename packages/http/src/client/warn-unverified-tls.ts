import { HttpClientWarningCode } from './http-client-warning-codes.js';
import type { ResolvedHttpClientOptions } from './resolve-http-client-options.js';

/**
 * Warns, once per client at its creation, when its `tls` options turn certificate verification off:
 * a choice that must not go unnoticed. To the client's logger when one was given, else to
 * `process.emitWarning` (the default logger is silent). Code `KRATOS_HTTP_CLIENT_TLS_UNVERIFIED`.
 */
export function warnUnverifiedTls(options: ResolvedHttpClientOptions): void {
  const { unverifiedTls, loggerGiven, logger, target, scheme, service } = options;
  if (unverifiedTls.length === 0) return;
  const shown = target.kind === 'discovery' ? `discovery:///${target.name}` : `${scheme}://${target.address}`;
  const message =
    `HTTP client of "${shown}" does not verify the TLS certificates of its nodes: ${unverifiedTls.join(' and ')} ` +
    `turns verification off, so anyone on the path can impersonate them. Give the CA that signed them as tls.ca instead.`;
  if (loggerGiven) {
    logger.warn({ service, code: HttpClientWarningCode.TlsUnverified }, message);
  } else {
    process.emitWarning(message, { code: HttpClientWarningCode.TlsUnverified });
  }
}
