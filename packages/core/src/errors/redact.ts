import { describeValue } from './describe-value.js';

/** What a secret is replaced with in a redacted text. */
export const REDACTED = '***';

// `scheme://user:password@` or `scheme://token@`: the whole userinfo goes, a user name can be a token.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
// Query parameters whose value is a credential (`?token=…`, `&api_key=…`, `&X-Amz-Signature=…`).
const SECRET_PARAM =
  /([?&;](?:[a-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|signature|auth|credential|session)[a-z0-9_.-]*)=)[^&#\s"'<>]*/gi;

/**
 * A text (a URL, a target, a message or a log line that echoes one) with its secrets replaced by
 * `***`: the userinfo of every URL (`http://user:pw@host` → `http://***@host`) and the value of every
 * query parameter named like a credential (`password`, `secret`, `token`, `api_key`, `access_key`,
 * `signature`, `auth`, `credential`, `session`, in any case and as part of a longer name). The rest
 * is kept, so the message still names the host. Every error builder and log call of kratos-ts that
 * echoes a URL, a target or an option goes through it. It never throws: a value that is not a
 * string is described, not echoed.
 *
 * @example
 * redact('etcd at http://root:hunter2@10.0.0.7:2379 did not answer');
 * // 'etcd at http://***@10.0.0.7:2379 did not answer'
 * redact('GET /hello?name=Ada&token=abc'); // 'GET /hello?name=Ada&token=***'
 */
export function redact(text: string): string {
  if (typeof text !== 'string') return describeValue(text);
  return text.replace(USERINFO, `$1${REDACTED}@`).replace(SECRET_PARAM, `$1${REDACTED}`);
}

/** `true` when `url` carries credentials in its userinfo (`scheme://user:pw@…`, `scheme://token@…`). */
export function hasUserinfo(url: string): boolean {
  USERINFO.lastIndex = 0;
  const found = typeof url === 'string' && USERINFO.test(url);
  USERINFO.lastIndex = 0;
  return found;
}
