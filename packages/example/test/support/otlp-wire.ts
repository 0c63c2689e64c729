// A reader of the protobuf wire format, for the subset of OTLP the tests look at (no .proto file
// ships with the OpenTelemetry packages, whose serializer writes bytes by hand): every message is
// read as a list of (field number, value), values being varints, fixed 64/32-bit words or bytes.

/** One field of a protobuf message as it is on the wire. */
export type WireField =
  | { readonly field: number; readonly kind: 'varint'; readonly value: bigint }
  | { readonly field: number; readonly kind: 'fixed64'; readonly value: Buffer }
  | { readonly field: number; readonly kind: 'fixed32'; readonly value: Buffer }
  | { readonly field: number; readonly kind: 'bytes'; readonly value: Buffer };

/** The fields of the message in `buffer`, in order; throws on a truncated or unknown wire type. */
export function readMessage(buffer: Buffer): WireField[] {
  const fields: WireField[] = [];
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (at >= buffer.length) throw new Error('truncated varint');
      const byte = buffer[at++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  const take = (length: number): Buffer => {
    if (at + length > buffer.length) throw new Error('truncated field');
    const slice = buffer.subarray(at, at + length);
    at += length;
    return slice;
  };
  while (at < buffer.length) {
    const key = varint();
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (wireType === 0) fields.push({ field, kind: 'varint', value: varint() });
    else if (wireType === 1) fields.push({ field, kind: 'fixed64', value: take(8) });
    else if (wireType === 2) fields.push({ field, kind: 'bytes', value: take(Number(varint())) });
    else if (wireType === 5) fields.push({ field, kind: 'fixed32', value: take(4) });
    else throw new Error(`unsupported wire type ${wireType} (field ${field})`);
  }
  return fields;
}

/** The byte payloads of every occurrence of `field` (embedded messages, strings, bytes). */
export function bytesOf(fields: readonly WireField[], field: number): Buffer[] {
  return fields.flatMap((f) => (f.field === field && f.kind === 'bytes' ? [f.value] : []));
}

/** The first occurrence of `field` as a UTF-8 string, `''` when absent. */
export function stringOf(fields: readonly WireField[], field: number): string {
  return bytesOf(fields, field)[0]?.toString('utf8') ?? '';
}

/** The first occurrence of `field` as a varint, `0n` when absent. */
export function varintOf(fields: readonly WireField[], field: number): bigint {
  const found = fields.find((f) => f.field === field && f.kind === 'varint');
  return found?.kind === 'varint' ? found.value : 0n;
}
