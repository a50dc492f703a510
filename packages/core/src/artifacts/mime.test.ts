import { describe, expect, it } from 'vitest';
import { guessMimeType } from './mime';

describe('guessMimeType', () => {
  it.each([
    ['model/MLmodel', 'text/plain'],
    ['MLproject', 'text/plain'],
    ['conda.yaml', 'text/plain'],
    ['requirements.txt', 'text/plain'],
    ['metrics.json', 'text/plain'],
    ['data.csv', 'text/plain'],
    ['notes.md', 'text/plain'],
    ['script.py', 'text/plain'],
    ['page.html', 'text/html'],
    ['plot.png', 'image/png'],
    ['photo.JPG', 'image/jpeg'],
    ['figure.svg', 'image/svg+xml'],
    ['report.pdf', 'application/pdf'],
    ['bundle.tar.gz', 'application/x-tar'],
    ['bundle.tgz', 'application/x-tar'],
    ['model.pkl', 'application/octet-stream'],
    ['model.onnx', 'application/octet-stream'],
    ['weights.gz', 'application/octet-stream'],
    ['README', 'application/octet-stream'],
    ['.hidden', 'application/octet-stream'],
  ])('%s → %s', (file, type) => expect(guessMimeType(file)).toBe(type));
});
