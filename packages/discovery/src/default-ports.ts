// The schemes whose default port WHATWG `URL` leaves out of `url.port` (`new URL('http://h:80').port`
// is ''), for the endpoint schemes a client calls. grpc and grpcs are not special schemes: their
// URLs keep whatever port they are written with.
const DEFAULT_PORTS: Readonly<Record<string, number>> = Object.freeze({ http: 80, https: 443 });

/**
 * The port of an endpoint or target of `scheme` written without one: 80 for http, 443 for https,
 * `undefined` for schemes without a default (an endpoint of those must name its port).
 */
export function defaultPortOf(scheme: string): number | undefined {
  return DEFAULT_PORTS[scheme.toLowerCase()];
}
