// Memory of a server process tree, read from /proc (Linux): VmHWM is the
// kernel's own record of a process's peak resident set, so no sampling can
// miss a spike.
import fs from "node:fs";

/** A file of /proc, or "" when its process or thread ended meanwhile (threads come and go while we read). */
function procText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function children(pid: number): number[] {
  const out: number[] = [];
  const taskDir = `/proc/${pid}/task`;
  let tids: string[];
  try {
    tids = fs.readdirSync(taskDir);
  } catch {
    return out;
  }
  for (const tid of tids) {
    const list = procText(`${taskDir}/${tid}/children`).trim();
    if (list) out.push(...list.split(/\s+/).map(Number));
  }
  return out;
}

/** The pid and every descendant. */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]!));
  return all;
}

function statusField(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

/** A process's peak RSS in MiB (0 once it has exited). */
export function vmHwmMib(pid: number): number {
  try {
    return statusField(pid, "VmHWM") / 1024 ** 2;
  } catch {
    return 0;
  }
}

/** A process's current RSS in MiB (0 once it has exited). */
export function vmRssMib(pid: number): number {
  try {
    return statusField(pid, "VmRSS") / 1024 ** 2;
  } catch {
    return 0;
  }
}

/** Peak RSS in MiB of the largest process in the tree (the one that serves requests). */
export function peakRssMib(rootPid: number): number {
  return Math.max(0, ...processTree(rootPid).map(vmHwmMib));
}

/** Current RSS in MiB of the largest process in the tree. */
export function rssMib(rootPid: number): number {
  return Math.max(0, ...processTree(rootPid).map(vmRssMib));
}

/** CPU time (user + system, ms) a process tree has used so far, from /proc/<pid>/stat (0 for a process gone). */
export function treeCpuMs(rootPid: number): number {
  let ticks = 0;
  for (const pid of processTree(rootPid)) {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // exited
    }
  }
  // Linux reports both in clock ticks of 1/100 s (USER_HZ).
  return ticks * 10;
}

/** The pid of the process listening on a local TCP port (for a server the benchmark did not start). */
export function pidListeningOn(port: number): number | null {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!fs.existsSync(f)) continue;
    for (const line of fs.readFileSync(f, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address ends in :PORT, state 0A is LISTEN
      if (cols[1]?.endsWith(`:${hex}`) && cols[3] === "0A") inodes.add(cols[9]!);
    }
  }
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return Number(pid);
      }
    } catch {
      // not ours to read, or gone
    }
  }
  return null;
}
