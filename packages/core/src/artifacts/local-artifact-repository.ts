/** An artifact repository in a local folder: streamed reads and writes, atomic renames, multipart parts on disk. */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import { lstat, mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { invalidParameter, notFound } from '@loom/protocol';
import type {
  ArtifactFileInfo,
  ArtifactReadStream,
  ArtifactRepository,
  MultipartUploadCreated,
  MultipartUploadPart,
  MultipartUploads,
} from './artifact-repository';
import { resolveUnderRoot } from './safe-path';

/** Hidden folder under the root holding unfinished multipart uploads; never listed nor addressable. */
const MPU_DIR = '.mpu';
const TEMP_FILE = /^\.loom-[0-9a-f]{16}\.tmp$/;
const UPLOAD_ID = /^[0-9a-f]{32}$/;
const MAX_PARTS = 10_000; // S3's limit, which MLflow's client sizes its parts for

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

// Only trailing slashes: a leading one makes an absolute path, which confinement must see and refuse.
const trimSlashes = (p: string): string => p.replace(/\/+$/, '');
const unquote = (etag: string): string => etag.replace(/^"|"$/g, '');
const tempName = (): string => `.loom-${randomBytes(8).toString('hex')}.tmp`;

/** Streams `body` into a sibling temp file, then renames it over `target` so readers never see half a file. */
async function writeAtomically(target: string, body: Readable, observe?: Transform): Promise<void> {
  const temp = path.join(path.dirname(target), tempName());
  try {
    const out = createWriteStream(temp, { flags: 'wx' });
    await (observe ? pipeline(body, observe, out) : pipeline(body, out));
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    if (errno(err) === 'EISDIR') throw invalidParameter(`Cannot write an artifact over a directory`);
    throw err;
  }
}

/** A repository rooted at an absolute folder, which need not exist yet. */
export class LocalArtifactRepository implements ArtifactRepository {
  readonly rootDir: string;
  readonly multipart: MultipartUploads;

  constructor(rootDir: string) {
    this.rootDir = path.resolve(rootDir);
    this.multipart = new LocalMultipartUploads(this);
  }

  /** The confined absolute path of a repository path; the multipart folder is off limits. */
  async resolve(relative: string): Promise<string> {
    const absolute = await resolveUnderRoot(this.rootDir, trimSlashes(relative));
    // Checked after resolution so that `./.mpu` or `a/../.mpu` cannot reach it either.
    if (path.relative(this.rootDir, absolute).split(path.sep)[0] === MPU_DIR)
      throw invalidParameter('Invalid path');
    return absolute;
  }

  /** {@inheritDoc ArtifactRepository.listArtifacts} */
  async listArtifacts(dir: string): Promise<ArtifactFileInfo[]> {
    const prefix = trimSlashes(dir);
    const absolute = await this.resolve(prefix);
    let names: string[];
    try {
      names = await readdir(absolute);
    } catch (err) {
      if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return [];
      throw err;
    }
    const visible = names.filter((n) => !TEMP_FILE.test(n) && !(prefix === '' && n === MPU_DIR));
    const infos = await Promise.all(
      visible.map(async (name): Promise<ArtifactFileInfo | undefined> => {
        const rel = prefix ? `${prefix}/${name}` : name;
        let info: Stats;
        try {
          info = await lstat(path.join(absolute, name));
          // A symlink is described by what it points to, and only when that stays under the root.
          if (info.isSymbolicLink()) info = await stat(await this.resolve(rel));
        } catch {
          return undefined; // vanished meanwhile, or a link leading outside: not listed
        }
        return info.isDirectory()
          ? { path: rel, isDir: true }
          : { path: rel, isDir: false, fileSize: info.size };
      }),
    );
    return infos
      .filter((i): i is ArtifactFileInfo => i !== undefined)
      .sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  /** {@inheritDoc ArtifactRepository.readArtifact} */
  async readArtifact(file: string): Promise<ArtifactReadStream> {
    const absolute = await this.resolve(file);
    const missing = () => notFound(`Artifact '${trimSlashes(file)}' does not exist`);
    const handle = await open(absolute, 'r').catch((err: unknown) => {
      if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes(errno(err) ?? '')) throw missing();
      throw err;
    });
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      throw missing();
    }
    return { stream: handle.createReadStream(), size: info.size };
  }

  /** {@inheritDoc ArtifactRepository.writeArtifact} */
  async writeArtifact(file: string, body: Readable): Promise<void> {
    const absolute = await this.resolve(file);
    if (absolute === this.rootDir) throw invalidParameter('Invalid path');
    await this.makeParents(absolute);
    await writeAtomically(absolute, body);
  }

  /** {@inheritDoc ArtifactRepository.deleteArtifacts} */
  async deleteArtifacts(target: string): Promise<void> {
    const absolute = await this.resolve(target);
    // Only an explicit '' deletes the whole repository folder (as MLflow's local repository does);
    // '.' or 'a/..' reaching the root is far more likely a mistake or an attack.
    if (absolute === this.rootDir && trimSlashes(target) !== '') throw invalidParameter('Invalid path');
    try {
      await rm(absolute, { recursive: true, force: true });
    } catch (err) {
      // A path through a file names nothing, like a missing one (which `force` already ignores).
      if (errno(err) !== 'ENOTDIR') throw err;
    }
  }

  /** Creates the parent folders of `absolute`; a file in the way is the caller's error. */
  async makeParents(absolute: string): Promise<void> {
    try {
      await mkdir(path.dirname(absolute), { recursive: true });
    } catch (err) {
      if (errno(err) === 'EEXIST' || errno(err) === 'ENOTDIR')
        throw invalidParameter('Cannot write an artifact under a file');
      throw err;
    }
  }
}

interface UploadRecord {
  path: string;
  numParts: number;
}

/**
 * Multipart uploads for a local folder: parts are files under `<root>/.mpu/<upload_id>/`, joined on
 * completion. State lives on disk, not in memory, so any server process can take any request.
 */
class LocalMultipartUploads implements MultipartUploads {
  constructor(private readonly repo: LocalArtifactRepository) {}

  private folder(uploadId: string): string {
    // The id becomes a path segment, so its shape is checked before it goes near the disk.
    if (!UPLOAD_ID.test(uploadId)) throw invalidParameter(`Invalid upload_id '${uploadId}'`);
    return path.join(this.repo.rootDir, MPU_DIR, uploadId);
  }

  private async record(uploadId: string): Promise<UploadRecord> {
    try {
      return JSON.parse(
        await readFile(path.join(this.folder(uploadId), 'upload.json'), 'utf8'),
      ) as UploadRecord;
    } catch (err) {
      if (errno(err) === 'ENOENT') throw notFound(`Multipart upload '${uploadId}' does not exist`);
      throw err;
    }
  }

  async createMultipartUpload(file: string, numParts: number): Promise<MultipartUploadCreated> {
    if (!Number.isInteger(numParts) || numParts < 1 || numParts > MAX_PARTS)
      throw invalidParameter(`num_parts must be between 1 and ${MAX_PARTS}, got ${numParts}`);
    const absolute = await this.repo.resolve(file);
    if (absolute === this.repo.rootDir) throw invalidParameter('Invalid path');
    const uploadId = randomBytes(16).toString('hex');
    const folder = this.folder(uploadId);
    await mkdir(folder, { recursive: true });
    const record: UploadRecord = { path: file, numParts };
    await writeFile(path.join(folder, 'upload.json'), JSON.stringify(record));
    return { uploadId };
  }

  async uploadPart(uploadId: string, partNumber: number, body: Readable): Promise<{ etag: string }> {
    const { numParts } = await this.record(uploadId);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > numParts)
      throw invalidParameter(`part_number must be between 1 and ${numParts}, got ${partNumber}`);
    const hash = createHash('md5');
    const digest = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    await writeAtomically(path.join(this.folder(uploadId), `${partNumber}.part`), body, digest);
    // S3-style ETag (quoted MD5 of the part); the client echoes it back on completion.
    return { etag: `"${hash.digest('hex')}"` };
  }

  async completeMultipartUpload(file: string, uploadId: string, parts: MultipartUploadPart[]): Promise<void> {
    const record = await this.record(uploadId);
    if (trimSlashes(record.path) !== trimSlashes(file))
      throw invalidParameter(`Multipart upload '${uploadId}' is for '${record.path}', not '${file}'`);
    if (parts.length === 0) throw invalidParameter('parts must not be empty');
    const folder = this.folder(uploadId);
    const ordered = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    const target = await this.repo.resolve(file);
    await this.repo.makeParents(target);
    const temp = path.join(path.dirname(target), tempName());
    const out = await open(temp, 'wx');
    try {
      for (const part of ordered) {
        const partFile = path.join(folder, `${part.partNumber}.part`);
        const hash = createHash('md5');
        // Streamed part by part: a 5 GB upload never sits in memory.
        for await (const chunk of createReadStream(partFile)) {
          hash.update(chunk as Buffer);
          await out.write(chunk as Buffer);
        }
        // A mismatched ETag means the client's view of the parts differs from what was stored.
        if (part.etag && unquote(part.etag) !== hash.digest('hex'))
          throw invalidParameter(`ETag of part ${part.partNumber} does not match the uploaded part`);
      }
      await out.close();
      await rename(temp, target);
    } catch (err) {
      await out.close().catch(() => undefined);
      await rm(temp, { force: true });
      if (errno(err) === 'ENOENT')
        throw invalidParameter(`A part of upload '${uploadId}' was never uploaded`);
      if (errno(err) === 'EISDIR') throw invalidParameter('Cannot write an artifact over a directory');
      throw err;
    }
    await rm(folder, { recursive: true, force: true });
  }

  async abortMultipartUpload(_file: string, uploadId: string): Promise<void> {
    await rm(this.folder(uploadId), { recursive: true, force: true });
  }
}
