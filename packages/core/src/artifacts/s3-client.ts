/** S3 plumbing for the artifact repositories: `s3://` URIs, one shared client per settings, the startup check. */
import { HeadBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { invalidParameter } from '@loom/protocol';
import type { S3Settings } from '../config';

/** A bucket and a key prefix (no leading or trailing `/`; `''` is the bucket root). */
export interface S3Location {
  bucket: string;
  prefix: string;
}

/** Splits `s3://bucket/some/prefix` into its bucket and prefix. */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/?#]+)(\/[^?#]*)?$/i.exec(uri);
  if (!match?.[1]) throw invalidParameter(`Invalid S3 URI '${uri}': expected s3://bucket/prefix`);
  return { bucket: match[1], prefix: (match[2] ?? '').replace(/^\/+|\/+$/g, '') };
}

// The client holds a connection pool, so every repository made from the same (frozen) settings shares one.
const clients = new WeakMap<S3Settings, S3Client>();
const NO_SETTINGS: S3Settings = Object.freeze({});

/** The S3 client for `settings`, made once and then reused. */
export function s3ClientFor(settings: S3Settings = NO_SETTINGS): S3Client {
  let client = clients.get(settings);
  if (!client) {
    client = createS3Client(settings);
    clients.set(settings, client);
  }
  return client;
}

/** A new S3 client: path-style addressing for a custom endpoint, and checksums only where S3 requires them. */
export function createS3Client(settings: S3Settings): S3Client {
  const { endpointUrl, region, accessKeyId, secretAccessKey, sessionToken } = settings;
  return new S3Client({
    region: region ?? 'us-east-1',
    ...(endpointUrl ? { endpoint: endpointUrl, forcePathStyle: true } : {}),
    ...(accessKeyId && secretAccessKey
      ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } }
      : {}),
    // S3-compatible servers often reject the SDK's newer default checksums (and presigned URLs
    // would carry a checksum of an empty body); MD5-era behaviour works everywhere.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A blackholed endpoint must fail a request (and the startup check) rather than hang it.
    requestHandler: { connectionTimeout: 5_000 },
    maxAttempts: 3,
  });
}

/** Describes an S3 failure in one line: the service's error code, or the network error beneath. */
export function describeS3Error(err: unknown): string {
  if (err instanceof S3ServiceException) {
    const status = err.$metadata.httpStatusCode;
    // HEAD answers carry no body, so a missing bucket shows up only as its status.
    if (status === 404) return 'bucket does not exist (404)';
    if (status === 403) return 'access denied (403)';
    return `${err.name}${status ? ` (${status})` : ''}`;
  }
  const e = err as { code?: string; message?: string; errors?: { message?: string }[] };
  // Node reports a refused dual-stack connection as an AggregateError with an empty message.
  const message = e.message || e.errors?.map((x) => x.message).join('; ') || String(err);
  return (e.code ? `${e.code}: ${message}` : message).split('\n')[0] ?? '';
}

/** Fails with a one-line error unless `bucket` is reachable with these settings (HeadBucket). */
export async function checkS3Bucket(settings: S3Settings | undefined, uri: string): Promise<void> {
  const { bucket } = parseS3Uri(uri);
  try {
    await s3ClientFor(settings).send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    const where = settings?.endpointUrl ? ` at ${settings.endpointUrl}` : '';
    throw new Error(`artifact destination ${uri}: S3 bucket '${bucket}'${where}: ${describeS3Error(err)}`);
  }
}
