/**
 * s3rver in a process of its own, forked by `startTestS3` with `--openssl-legacy-provider`: its
 * continuation tokens use DES, which Node 20's OpenSSL 3 offers only there (without it every listing
 * over 1000 keys fails), and a separate process keeps its memory out of the tests' figures.
 * argv[2] is the storage folder; the bound port is sent back over IPC.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import S3rver from 's3rver';

const directory = process.argv[2];
if (!directory) throw new Error('usage: s3rver-process <directory>');
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });

// s3rver 3.7 has no AbortMultipartUpload; this stands in for it with S3's semantics (204, or 404
// NoSuchUpload) so that the repository's abort can be exercised end to end.
server.middleware.unshift(async (ctx, next) => {
  const uploadId = ctx.query.uploadId;
  if (ctx.method !== 'DELETE' || !uploadId || !/^[0-9a-f]+$/.test(uploadId)) return next();
  const [bucket = '', ...key] = ctx.path.slice(1).split('/');
  const folder = path.join(server.store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
  const stored = await readFile(path.join(folder, 'key'), 'utf8').catch(() => undefined);
  if (stored === undefined || stored !== decodeURIComponent(key.join('/'))) {
    ctx.status = 404;
    ctx.type = 'application/xml';
    ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code></Error>';
    return;
  }
  await rm(folder, { recursive: true, force: true });
  ctx.status = 204;
});

const { port } = await server.run();
process.send?.({ port });
// The parent going away (even killed) ends this server too.
process.on('disconnect', () => process.exit(0));
