/** Protobuf-JSON value encodings that MLflow uses on the wire. */
import type { WireDouble } from './entities';

/** A double as MLflow writes it: non-finite values become "NaN" / "Infinity" / "-Infinity". */
export function encodeDouble(value: number): WireDouble {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

/** Escapes a string as a JSON string literal. */
export const jsonString = (s: string): string => JSON.stringify(s);
