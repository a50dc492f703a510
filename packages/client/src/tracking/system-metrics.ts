/**
 * System metrics (Node only), as MLflow's `log_system_metrics`: every interval, CPU and memory use,
 * disk usage and I/O, network I/O and, when `nvidia-smi` answers, each GPU's utilisation and memory,
 * logged as `system/...` metrics with step = sample index. Linux readings come from /proc; elsewhere
 * CPU and memory come from `os`, and what cannot be read is left out of the sample.
 */

/** MB as MLflow counts them (10^6 bytes). */
const MB = 1e6;
const MIB = 1024 * 1024;

export interface SystemMetricsOptions {
  intervalMs: number;
  /** The GPU query command; default `nvidia-smi` (from PATH). */
  nvidiaSmi?: string;
  /** The filesystem whose usage is reported. Default `/`. */
  diskPath?: string;
}

interface Counters {
  cpu?: { idle: number; total: number } | undefined;
  net?: { rx: number; tx: number } | undefined;
  disk?: { read: number; write: number } | undefined;
}

const readText = async (file: string): Promise<string | undefined> => {
  const { readFile } = await import('node:fs/promises');
  return readFile(file, 'utf8').catch(() => undefined);
};

/** Busy and total CPU time: /proc/stat's first line, else the sum over `os.cpus()`. */
async function cpuTimes(): Promise<{ idle: number; total: number }> {
  const stat = await readText('/proc/stat');
  const line = stat?.split('\n').find((l) => l.startsWith('cpu '));
  if (line) {
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    return { idle: (v[3] ?? 0) + (v[4] ?? 0), total: v.reduce((a, b) => a + b, 0) };
  }
  const { cpus } = await import('node:os');
  let idle = 0;
  let total = 0;
  for (const c of cpus()) {
    idle += c.times.idle;
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
  }
  return { idle, total };
}

/** Used and total memory in bytes: MemTotal − MemAvailable from /proc/meminfo, else `os`. */
async function memory(): Promise<{ used: number; total: number }> {
  const info = await readText('/proc/meminfo');
  const kb = (name: string) => {
    const m = info?.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  if (total !== undefined && available !== undefined) return { used: total - available, total };
  const os = await import('node:os');
  return { used: os.totalmem() - os.freemem(), total: os.totalmem() };
}

/** Bytes received and sent by every interface but loopback, from /proc/net/dev. */
async function networkBytes(): Promise<{ rx: number; tx: number } | undefined> {
  const text = await readText('/proc/net/dev');
  if (!text) return undefined;
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (!rest || name!.trim() === 'lo') continue;
    const v = rest.trim().split(/\s+/).map(Number);
    rx += v[0] ?? 0;
    tx += v[8] ?? 0;
  }
  return { rx, tx };
}

/** Bytes read and written by whole disks (those listed in /sys/block, so partitions count once). */
async function diskBytes(): Promise<{ read: number; write: number } | undefined> {
  const text = await readText('/proc/diskstats');
  if (!text) return undefined;
  const { readdir } = await import('node:fs/promises');
  const disks = new Set(await readdir('/sys/block').catch(() => [] as string[]));
  let read = 0;
  let write = 0;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const name = f[2];
    if (!name || !disks.has(name) || /^(loop|ram|zram)/.test(name)) continue;
    // Sectors are 512 bytes in /proc/diskstats whatever the device's sector size.
    read += Number(f[5] ?? 0) * 512;
    write += Number(f[9] ?? 0) * 512;
  }
  return { read, write };
}

/** Used and available bytes of the filesystem holding `path`. */
async function diskUsage(path: string): Promise<{ used: number; available: number } | undefined> {
  const { statfs } = await import('node:fs/promises');
  try {
    const s = await statfs(path);
    return { used: (s.blocks - s.bfree) * s.bsize, available: s.bavail * s.bsize };
  } catch {
    return undefined;
  }
}

/**
 * Per-GPU readings from `nvidia-smi`, or undefined when it is missing or fails (installed drivers
 * without a GPU, a container without the device).
 */
export async function gpuMetrics(command = 'nvidia-smi'): Promise<Record<string, number> | undefined> {
  const { execFile } = await import('node:child_process');
  const output = await new Promise<string | undefined>((resolve) => {
    execFile(
      command,
      ['--query-gpu=index,utilization.gpu,memory.used,memory.total', '--format=csv,noheader,nounits'],
      { timeout: 5000 },
      (err, stdout) => resolve(err ? undefined : stdout),
    );
  });
  if (output === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const line of output.split('\n')) {
    const [index, util, used, total] = line.split(',').map((s) => Number(s.trim()));
    // Fields a GPU does not support read `[N/A]`, which parse as NaN and are left out.
    if (line.trim() === '' || !Number.isInteger(index)) continue;
    if (Number.isFinite(util)) out[`system/gpu_${index}_utilization_percentage`] = util!;
    if (Number.isFinite(used)) out[`system/gpu_${index}_memory_usage_megabytes`] = (used! * MIB) / MB;
    if (Number.isFinite(used) && Number.isFinite(total) && total! > 0) {
      out[`system/gpu_${index}_memory_usage_percentage`] = (100 * used!) / total!;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Samples every `intervalMs` and hands each sample to `log` with its index. */
export class SystemMetricsSampler {
  private timer: ReturnType<typeof setInterval> | undefined;
  private sampling: Promise<void> | undefined;
  private baseline: Counters = {};
  private last: Counters = {};
  private gpu = true;
  private step = 0;
  private stopped = false;

  constructor(
    private readonly log: (metrics: Record<string, number>, step: number) => void,
    private readonly options: SystemMetricsOptions,
  ) {}

  /** Takes the baseline readings (deltas and totals since start are measured from them), then ticks. */
  async start(): Promise<void> {
    const [cpu, net, disk] = await Promise.all([cpuTimes(), networkBytes(), diskBytes()]);
    this.baseline = { cpu, net, disk };
    this.last = { cpu };
    if (this.stopped) return;
    this.timer = setInterval(() => {
      this.sampling ??= this.sampleAndLog().finally(() => (this.sampling = undefined));
    }, this.options.intervalMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Stops ticking and waits for a sample being taken. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.sampling;
  }

  private async sampleAndLog(): Promise<void> {
    const metrics = await this.sample().catch(() => ({}));
    if (this.stopped || Object.keys(metrics).length === 0) return;
    this.log(metrics, this.step++);
  }

  /** One sample: every reading that could be taken. */
  async sample(): Promise<Record<string, number>> {
    const [cpu, mem, net, disk, usage, gpu] = await Promise.all([
      cpuTimes(),
      memory(),
      networkBytes(),
      diskBytes(),
      diskUsage(this.options.diskPath ?? '/'),
      this.gpu ? gpuMetrics(this.options.nvidiaSmi) : Promise.resolve(undefined),
    ]);
    // A GPU query that fails once (no command, no device) is not tried again.
    if (!gpu) this.gpu = false;
    const out: Record<string, number> = {};
    const prev = this.last.cpu;
    if (prev && cpu.total > prev.total) {
      const busy = 1 - (cpu.idle - prev.idle) / (cpu.total - prev.total);
      out['system/cpu_utilization_percentage'] = round(Math.min(100, Math.max(0, 100 * busy)));
    }
    this.last.cpu = cpu;
    out['system/system_memory_usage_megabytes'] = round(mem.used / MB);
    out['system/system_memory_usage_percentage'] = round((100 * mem.used) / mem.total);
    if (usage) {
      out['system/disk_usage_megabytes'] = round(usage.used / MB);
      out['system/disk_available_megabytes'] = round(usage.available / MB);
      out['system/disk_usage_percentage'] = round((100 * usage.used) / (usage.used + usage.available));
    }
    const { net: net0, disk: disk0 } = this.baseline;
    if (net && net0) {
      out['system/network_receive_megabytes'] = round((net.rx - net0.rx) / MB);
      out['system/network_transmit_megabytes'] = round((net.tx - net0.tx) / MB);
    }
    if (disk && disk0) {
      out['system/disk_read_megabytes'] = round((disk.read - disk0.read) / MB);
      out['system/disk_write_megabytes'] = round((disk.write - disk0.write) / MB);
    }
    if (gpu) for (const [k, v] of Object.entries(gpu)) out[k] = round(v);
    return out;
  }
}
