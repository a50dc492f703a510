/** Opens the artifact proxy's store (`--artifacts-destination`) at startup. */
import { mkdir } from 'node:fs/promises';
import type { S3Settings } from '../config';
import type { ArtifactRepository } from './artifact-repository';
import { s3Repository } from './artifact-uri';
import { LocalArtifactRepository } from './local-artifact-repository';
import { checkS3Bucket } from './s3-client';

/**
 * The repository for `destination`: `s3://bucket/prefix` after checking the bucket answers (a
 * one-line error otherwise), or a local folder, created if missing.
 */
export async function openArtifactDestination(
  destination: string,
  s3: S3Settings | undefined,
): Promise<ArtifactRepository> {
  if (/^s3:/i.test(destination)) {
    await checkS3Bucket(s3, destination);
    return s3Repository(destination, s3);
  }
  await mkdir(destination, { recursive: true });
  return new LocalArtifactRepository(destination);
}
