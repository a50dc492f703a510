/**
 * An artifact repository under an S3 prefix: paged listings, streamed reads, streamed (multipart)
 * writes, batched prefix deletes, and multipart uploads whose parts go to presigned URLs.
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3ServiceException,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { invalidParameter, LoomError, notFound } from '@loom/protocol';
import type {
  ArtifactFileInfo,
  ArtifactReadStream,
  ArtifactRepository,
  MultipartUploadCreated,
  MultipartUploadPart,
  MultipartUploads,
} from './artifact-repository';

const MAX_PARTS = 10_000; // S3's limit
// Uploads buffer at most PART_SIZE × QUEUE_SIZE bytes: the price of streaming a body of unknown length.
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;
/** How long a presigned part URL stays valid. */
const PART_URL_SECONDS = 3600;

const errorName = (err: unknown): string | undefined =>
  err instanceof S3ServiceException ? err.name : undefined;

/** A repository rooted at `s3://<bucket>/<prefix>`. */
export class S3ArtifactRepository implements ArtifactRepository {
  readonly multipart: MultipartUploads;

  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    readonly prefix: string,
  ) {
    this.prefix = prefix.replace(/^\/+|\/+$/g, '');
    this.multipart = new S3MultipartUploads(this);
  }

  /**
   * The object key of a repository path. S3 keys have no `..`, so confinement is refusing any path
   * that would mean something else on a file system; `''` (or `.`) is the root prefix.
   */
  key(relative: string): string {
    const trimmed = relative.replace(/\/+$/, '');
    const normal = path.posix.normalize(trimmed || '.');
    if (trimmed.startsWith('/') || normal === '..' || normal.startsWith('../') || /[\\\0]/.test(trimmed))
      throw invalidParameter('Invalid path');
    const inside = normal === '.' ? '' : normal;
    if (!this.prefix) return inside;
    return inside ? `${this.prefix}/${inside}` : this.prefix;
  }

  /** The key prefix that lists the children of `relative` (ends with `/` unless it is the bucket root). */
  private folderKey(relative: string): string {
    const key = this.key(relative);
    return key ? `${key}/` : '';
  }

  /** {@inheritDoc ArtifactRepository.listArtifacts} */
  async listArtifacts(dir: string): Promise<ArtifactFileInfo[]> {
    const folder = this.folderKey(dir);
    const rel = this.key(dir).slice(this.prefix ? this.prefix.length + 1 : 0);
    const relOf = (name: string) => (rel ? `${rel}/${name}` : name);
    const infos: ArtifactFileInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: folder,
          Delimiter: '/',
          ContinuationToken: token,
        }),
      );
      for (const p of page.CommonPrefixes ?? []) {
        const name = (p.Prefix ?? '').slice(folder.length).replace(/\/$/, '');
        if (name) infos.push({ path: relOf(name), isDir: true });
      }
      for (const o of page.Contents ?? []) {
        const name = (o.Key ?? '').slice(folder.length);
        // A "folder marker" object (the prefix itself) is not an entry.
        if (name) infos.push({ path: relOf(name), isDir: false, fileSize: o.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return infos.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** {@inheritDoc ArtifactRepository.readArtifact} */
  async readArtifact(file: string): Promise<ArtifactReadStream> {
    const key = this.key(file);
    const missing = () => notFound(`Artifact '${file.replace(/\/+$/, '')}' does not exist`);
    if (!key || key === this.prefix) throw missing();
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      // In Node the SDK's body is the response's IncomingMessage: a Readable, read as it arrives.
      return { stream: res.Body as Readable, size: res.ContentLength ?? 0 };
    } catch (err) {
      if (errorName(err) === 'NoSuchKey') throw missing();
      throw err;
    }
  }

  /** {@inheritDoc ArtifactRepository.writeArtifact} */
  async writeArtifact(file: string, body: Readable): Promise<void> {
    const key = this.key(file);
    if (!key || key === this.prefix) throw invalidParameter('Invalid path');
    // One PutObject for a body under one part, a multipart upload (aborted on failure) above; S3
    // makes the object visible only when complete, which is the atomicity the interface asks for.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
    });
    await upload.done();
  }

  /** {@inheritDoc ArtifactRepository.deleteArtifacts} */
  async deleteArtifacts(target: string): Promise<void> {
    const key = this.key(target);
    if (key && key !== this.prefix)
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    const folder = this.folderKey(target);
    let token: string | undefined;
    do {
      // Each page holds at most 1000 keys, which is DeleteObjects' batch limit.
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: folder, ContinuationToken: token }),
      );
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length) {
        const res = await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }),
        );
        const failed = res.Errors?.[0];
        if (failed) throw new Error(`Could not delete s3://${this.bucket}/${failed.Key}: ${failed.Code}`);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

/** Multipart uploads straight into S3: the client PUTs each part to a presigned URL. */
class S3MultipartUploads implements MultipartUploads {
  constructor(private readonly repo: S3ArtifactRepository) {}

  private target(file: string): string {
    const key = this.repo.key(file);
    if (!key || key === this.repo.prefix) throw invalidParameter('Invalid path');
    return key;
  }

  async createMultipartUpload(file: string, numParts: number): Promise<MultipartUploadCreated> {
    if (!Number.isInteger(numParts) || numParts < 1 || numParts > MAX_PARTS)
      throw invalidParameter(`num_parts must be between 1 and ${MAX_PARTS}, got ${numParts}`);
    const { client, bucket } = this.repo;
    const key = this.target(file);
    const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    const uploadId = created.UploadId;
    if (!uploadId) throw new Error(`S3 returned no UploadId for s3://${bucket}/${key}`);
    const credentials = [];
    for (let partNumber = 1; partNumber <= numParts; partNumber++) {
      const command = new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
      });
      const url = await getSignedUrl(client, command, { expiresIn: PART_URL_SECONDS });
      credentials.push({ partNumber, url, headers: {} });
    }
    return { uploadId, credentials };
  }

  uploadPart(): Promise<{ etag: string }> {
    // createMultipartUpload always hands out presigned URLs, so Loom's own part route is never used.
    return Promise.reject(
      new LoomError(
        'NOT_IMPLEMENTED',
        'Parts of an S3 multipart upload go to the presigned URLs returned on creation',
      ),
    );
  }

  async completeMultipartUpload(file: string, uploadId: string, parts: MultipartUploadPart[]): Promise<void> {
    if (parts.length === 0) throw invalidParameter('parts must not be empty');
    const ordered = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    const missing = ordered.find((p) => !p.etag);
    if (missing) throw invalidParameter(`Part ${missing.partNumber} has no etag`);
    try {
      await this.repo.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.repo.bucket,
          Key: this.target(file),
          UploadId: uploadId,
          MultipartUpload: { Parts: ordered.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      );
    } catch (err) {
      if (errorName(err) === 'NoSuchUpload') throw notFound(`Multipart upload '${uploadId}' does not exist`);
      if (errorName(err) === 'InvalidPart' || errorName(err) === 'InvalidPartOrder')
        throw invalidParameter(`Parts of upload '${uploadId}' do not match the uploaded parts`);
      throw err;
    }
  }

  async abortMultipartUpload(file: string, uploadId: string): Promise<void> {
    try {
      await this.repo.client.send(
        new AbortMultipartUploadCommand({
          Bucket: this.repo.bucket,
          Key: this.target(file),
          UploadId: uploadId,
        }),
      );
    } catch (err) {
      // Already gone is what the caller wanted.
      if (errorName(err) !== 'NoSuchUpload') throw err;
    }
  }
}
