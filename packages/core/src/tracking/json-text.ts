/**
 * JSON text that may come as a string or as its UTF-8 bytes: PostgreSQL's big pages (history, search)
 * are never decoded into JS strings on their way to the HTTP answer.
 */
export type JsonText = string | Buffer;

/** `pieces` joined by `separator`: a string when every piece is one, else the bytes. */
export function joinJsonText(pieces: readonly JsonText[], separator = ''): JsonText {
  if (pieces.every((p) => typeof p === 'string')) return pieces.join(separator);
  if (pieces.length === 1) return pieces[0]!;
  const bytes = (text: JsonText) => (typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  const between = bytes(separator);
  return Buffer.concat(
    pieces.flatMap((p, i) => (i > 0 && between.length > 0 ? [between, bytes(p)] : [bytes(p)])),
  );
}
