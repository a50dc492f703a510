/**
 * Carries out a Dockerfile's instructions on this machine, without a docker engine, so a test can
 * build and run a generated image's steps for real: image paths are mapped into a temp "root"
 * folder, COPY copies there, RUN runs with `sh -c` in the mapped WORKDIR with the image's ENV, and
 * the CMD and HEALTHCHECK start with their paths and port mapped.
 *
 * What it does not prove: the base image's contents (its Node must be this one, which `FROM` is
 * checked against, but its npm, libc and shared libraries are not), a real Linux user switch (USER
 * is checked only as "every file is readable by others"), BuildKit's parsing, and layer contents.
 * Any instruction, flag or form it cannot emulate is refused, so a Dockerfile that grows one fails
 * the test instead of being half-checked.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';

/** One instruction: its keyword, its `--flag=value` options, and the rest of the line. */
export interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  args: string;
}

/** What a build leaves: the root folder and the image's config. */
export interface EmulatedImage {
  root: string;
  from: string;
  workdir: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  user: string | undefined;
  exposed: number[];
  healthcheck: string[] | undefined;
  cmd: string[];
}

export interface BuildOptions {
  /** Host folders standing in for `RUN --mount=type=cache,target=<path>` (BuildKit's build caches). */
  cacheMounts?: Record<string, string>;
  /** The HOME of the user RUN steps run as in the base image (root: /root). */
  home?: string;
}

const KEYWORDS = new Set([
  'FROM',
  'LABEL',
  'WORKDIR',
  'COPY',
  'RUN',
  'ENV',
  'EXPOSE',
  'USER',
  'HEALTHCHECK',
  'CMD',
]);

/** Splits a Dockerfile into instructions; refuses keywords, flags and forms it cannot emulate. */
export function parseDockerfile(text: string): Instruction[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const out: Instruction[] = [];
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Cannot parse Dockerfile line: ${line}`);
    const keyword = m[1]!.toUpperCase();
    if (!KEYWORDS.has(keyword)) throw new Error(`The emulator cannot carry out ${keyword}: ${line}`);
    let rest = m[2]!;
    const flags: Record<string, string> = {};
    for (let f = /^--([\w-]+)=(\S+)\s+/.exec(rest); f; f = /^--([\w-]+)=(\S+)\s+/.exec(rest)) {
      flags[f[1]!] = f[2]!;
      rest = rest.slice(f[0].length);
    }
    out.push({ keyword, flags, args: rest });
  }
  return out;
}

/** The exec (JSON array) form of CMD or HEALTHCHECK CMD; the shell form is refused. */
function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string'))
    throw new Error(`Only the exec form is emulated: ${args}`);
  return parsed as string[];
}

/** `key="value"` or `key=value` pairs (LABEL, ENV). */
function pairs(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([\w.-]+)=("(?:[^"\\]|\\.)*"|\S+)\s*/gy;
  let consumed = 0;
  for (let m = re.exec(args); m; m = re.exec(args)) {
    const value = m[2]!.replaceAll('\\$', '$');
    out[m[1]!] = value.startsWith('"') ? (JSON.parse(value) as string) : value;
    consumed = re.lastIndex;
  }
  if (consumed !== args.length) throw new Error(`Only key=value pairs are emulated: ${args}`);
  return out;
}

/** `root`-relative host path of the absolute image path `p`. */
export function mapPath(root: string, p: string): string {
  if (!isAbsolute(p)) throw new Error(`Expected an absolute image path: ${p}`);
  return join(root, p);
}

/** Copies `src` (a context path) to the image path `dest`, as COPY does for a folder or a file. */
function copy(context: string, root: string, workdir: string, src: string, dest: string): void {
  const from = join(context, src);
  if (relative(context, from).startsWith('..')) throw new Error(`COPY source leaves the context: ${src}`);
  const target = mapPath(root, isAbsolute(dest) ? dest : join(workdir, dest));
  const ignored = dockerignore(context);
  const filter = (path: string) => !ignored.some((name) => path.split(/[\\/]/).includes(name));
  if (statSync(from).isDirectory()) cpSync(from, target, { recursive: true, filter });
  else {
    mkdirSync(dest.endsWith('/') ? target : dirname(target), { recursive: true });
    cpSync(from, dest.endsWith('/') ? join(target, src.split('/').pop()!) : target);
  }
}

/** The names `.dockerignore` leaves out; only `**\/<name>` lines are understood. */
function dockerignore(context: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(context, '.dockerignore'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^\*\*\/([\w.-]+)$/.exec(l);
      if (!m) throw new Error(`The emulator understands only **/<name> in .dockerignore: ${l}`);
      return m[1]!;
    });
}

/** Runs one RUN instruction with `sh -c`; a cache mount is a symlink to a host folder meanwhile. */
function run(image: EmulatedImage, ins: Instruction, options: BuildOptions): void {
  // Image paths inside a shell command cannot be mapped safely: RUN must work relative to WORKDIR.
  if (/(^|[\s=:'"])\/[\w.]/.test(ins.args)) throw new Error(`RUN uses an absolute path: ${ins.args}`);
  const mounts: string[] = [];
  for (const [flag, value] of Object.entries(ins.flags)) {
    const m = /^type=cache,target=(\/[\w./-]+)$/.exec(value);
    if (flag !== 'mount' || !m) throw new Error(`RUN --${flag}=${value} is not emulated`);
    const host = options.cacheMounts?.[m[1]!];
    if (!host) throw new Error(`No host folder given for the cache mount ${m[1]}`);
    const at = mapPath(image.root, m[1]!);
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(host, at);
    mounts.push(at);
  }
  try {
    const home = mapPath(image.root, options.home ?? '/root');
    mkdirSync(home, { recursive: true });
    // Only PATH comes from this machine (it finds this Node and npm, standing in for the base image's).
    const env = { PATH: process.env.PATH, HOME: home, ...image.env };
    const r = spawnSync('sh', ['-c', ins.args], {
      cwd: mapPath(image.root, image.workdir),
      env,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`RUN failed (${r.status}): ${ins.args}\n${r.stdout}\n${r.stderr}`);
  } finally {
    // A cache mount is not part of the image.
    for (const at of mounts) rmSync(at);
  }
}

/** Carries out `context`/Dockerfile into the empty folder `root`. */
export function emulateBuild(context: string, root: string, options: BuildOptions = {}): EmulatedImage {
  const instructions = parseDockerfile(readFileSync(join(context, 'Dockerfile'), 'utf8'));
  if (instructions[0]?.keyword !== 'FROM') throw new Error('A Dockerfile starts with FROM');
  const image: EmulatedImage = {
    root,
    from: '',
    workdir: '/',
    env: {},
    labels: {},
    user: undefined,
    exposed: [],
    healthcheck: undefined,
    cmd: [],
  };
  for (const ins of instructions) {
    if (ins.keyword !== 'RUN' && ins.keyword !== 'HEALTHCHECK' && Object.keys(ins.flags).length)
      throw new Error(`${ins.keyword} flags are not emulated: ${JSON.stringify(ins.flags)}`);
    switch (ins.keyword) {
      case 'FROM':
        if (image.from) throw new Error('Multi-stage builds are not emulated');
        image.from = ins.args;
        break;
      case 'LABEL':
        Object.assign(image.labels, pairs(ins.args));
        break;
      case 'ENV':
        for (const [k, v] of Object.entries(pairs(ins.args))) {
          if (v.includes('$')) throw new Error(`ENV substitution is not emulated: ${k}=${v}`);
          image.env[k] = v;
        }
        break;
      case 'WORKDIR':
        image.workdir = isAbsolute(ins.args) ? ins.args : join(image.workdir, ins.args);
        mkdirSync(mapPath(root, image.workdir), { recursive: true });
        break;
      case 'COPY': {
        const parts = ins.args.split(/\s+/);
        if (parts.length !== 2) throw new Error(`Only COPY <src> <dest> is emulated: ${ins.args}`);
        copy(context, root, image.workdir, parts[0]!, parts[1]!);
        break;
      }
      case 'RUN':
        run(image, ins, options);
        break;
      case 'USER':
        image.user = ins.args;
        break;
      case 'EXPOSE':
        image.exposed.push(...ins.args.split(/\s+/).map((p) => Number(p.replace(/\/tcp$/, ''))));
        break;
      case 'HEALTHCHECK': {
        for (const [flag, value] of Object.entries(ins.flags))
          if (!['interval', 'timeout', 'start-period', 'retries'].includes(flag) || !/^\d+s?$/.test(value))
            throw new Error(`HEALTHCHECK --${flag}=${value} is not emulated`);
        if (!ins.args.startsWith('CMD ')) throw new Error(`Only HEALTHCHECK CMD is emulated: ${ins.args}`);
        image.healthcheck = execForm(ins.args.slice(4));
        break;
      }
      case 'CMD':
        image.cmd = execForm(ins.args);
        break;
    }
  }
  return image;
}

/** Files and folders under `root` that a non-root user could not read (or enter). */
export function unreadableByOthers(root: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const path = join(e.parentPath, e.name);
    const mode = lstatSync(path).mode;
    if (e.isSymbolicLink()) continue;
    const need = e.isDirectory() ? 0o005 : 0o004;
    if ((mode & need) !== need) out.push(relative(root, path));
  }
  return out;
}

/**
 * Maps an exec-form command of `image` to this machine: absolute image paths into the root, the
 * exposed port to `port` (like `docker run -p port:exposed`) and 0.0.0.0 to loopback.
 */
export function mapCommand(image: EmulatedImage, argv: string[], port: number): string[] {
  return argv.map((a) => {
    let out = a === '0.0.0.0' ? '127.0.0.1' : a;
    for (const exposed of image.exposed) {
      if (out === String(exposed)) out = String(port);
      out = out.replaceAll(`:${exposed}/`, `:${port}/`);
    }
    return out.startsWith('/') ? mapPath(image.root, out) : out;
  });
}

/** Starts the image's CMD as `docker run -p <port>:<exposed>` would, with `env` as `-e` options. */
export function startContainer(
  image: EmulatedImage,
  port: number,
  env: Record<string, string> = {},
): ChildProcess {
  const [bin, ...args] = mapCommand(image, image.cmd, port);
  return spawn(bin!, args, {
    cwd: mapPath(image.root, image.workdir),
    env: { PATH: process.env.PATH, HOME: mapPath(image.root, '/home'), ...image.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
