/**
 * The storage contract for artifacts: one small interface, one implementation per backend
 * (local folder now, S3 later). Paths are relative to the repository root, `/`-separated, and have
 * already passed `validateArtifactPath`; implementations still confine every path to their root.
 * Bodies are Node streams so that no file is ever held in memory whole.
 */
import type { Readable } from 'node:stream';

/** One entry of a directory listing. */
export interface ArtifactFileInfo {
  /** Relative to the repository root, including the listed directory (`model/MLmodel`). */
  path: string;
  isDir: boolean;
  /** Absent for directories. */
  fileSize?: number;
}

/** An open artifact: its bytes as a stream and its size for `Content-Length`. */
export interface ArtifactReadStream {
  stream: Readable;
  size: number;
}

/** Where a client sends one part of a multipart upload. */
export interface MultipartUploadCredential {
  partNumber: number;
  url: string;
  headers: Record<string, string>;
}

/** A started multipart upload. */
export interface MultipartUploadCreated {
  uploadId: string;
  /**
   * Presigned part URLs when the backend issues its own (S3). Absent when parts must come back
   * through Loom's own part route, which then calls `uploadPart`.
   */
  credentials?: MultipartUploadCredential[];
}

/** A part as the client reports it on completion. */
export interface MultipartUploadPart {
  partNumber: number;
  etag?: string | undefined;
}

/** Multipart upload, for backends that can do it; MLflow clients fall back to one PUT otherwise. */
export interface MultipartUploads {
  /** Starts an upload of `numParts` parts that will become the file at `path`. */
  createMultipartUpload(path: string, numParts: number): Promise<MultipartUploadCreated>;
  /** Stores one part (1-based) and returns its ETag. */
  uploadPart(uploadId: string, partNumber: number, body: Readable): Promise<{ etag: string }>;
  /** Joins the parts, in part-number order, into the file at `path`. */
  completeMultipartUpload(path: string, uploadId: string, parts: MultipartUploadPart[]): Promise<void>;
  /** Discards an upload and its parts. */
  abortMultipartUpload(path: string, uploadId: string): Promise<void>;
}

/** An artifact store. */
export interface ArtifactRepository {
  /** Lists one directory level, sorted by path; a missing directory (or a file) lists as empty. */
  listArtifacts(path: string): Promise<ArtifactFileInfo[]>;
  /** Opens a file for reading; RESOURCE_DOES_NOT_EXIST when there is no file at `path`. */
  readArtifact(path: string): Promise<ArtifactReadStream>;
  /** Writes `body` to `path` atomically (readers see the old file or the whole new one), creating parents. */
  writeArtifact(path: string, body: Readable): Promise<void>;
  /** Deletes the file or directory tree at `path`; nothing there is not an error. */
  deleteArtifacts(path: string): Promise<void>;
  /** Present when the backend supports multipart upload. */
  readonly multipart?: MultipartUploads;
}
