/** Test helper: large request bodies made on the fly, so memory tests never hold the body whole. */

const MiB = 1024 * 1024;

/** A web stream of `size` bytes made on the fly from four reused 1 MiB chunks (never held whole). */
export function generated(size: number, observe?: (chunk: Uint8Array) => void): ReadableStream<Uint8Array> {
  const chunks = [0, 1, 2, 3].map((i) => new Uint8Array(MiB).fill(65 + i));
  let sent = 0;
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const full = chunks[index++ % chunks.length] as Uint8Array;
      const chunk = size - sent >= full.length ? full : full.subarray(0, size - sent);
      sent += chunk.length;
      observe?.(chunk);
      controller.enqueue(chunk);
    },
  });
}
