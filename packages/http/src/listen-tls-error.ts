import { KratosError } from '@kratos-ts/core';
import { describeError, type TlsMaterialProblem } from '@kratos-ts/core/internal';
import { HttpErrorCode } from './http-error-codes.js';

/**
 * The coded error `start()` rejects with when the server's `tls` options are unusable: it names
 * the server and which of `tls.key`, `tls.cert`, `tls.ca` is wrong (a `problem` from
 * `tlsMaterialProblem`), or, for another option OpenSSL refused, its error. Never echoes the key.
 */
export function listenTlsError(
  name: string,
  problem: TlsMaterialProblem | { readonly cause: unknown },
): KratosError {
  const server = `HTTP server "${name}" cannot serve HTTPS`;
  if ('part' in problem) {
    return new KratosError(
      HttpErrorCode.TlsInvalid,
      `${server}: its tls.${problem.part} ${problem.detail}.`,
      {
        cause: problem.cause,
      },
    );
  }
  return new KratosError(
    HttpErrorCode.TlsInvalid,
    `${server}: its tls options were refused (${describeError(problem.cause)}): check the options besides key, cert and ca (ciphers, minVersion, pfx …).`,
    { cause: problem.cause },
  );
}
