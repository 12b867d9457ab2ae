import type { ChildProcess } from 'node:child_process';

/**
 * Signals a child's whole process group. Children that run user commands are spawned `detached` (each leads its own
 * group), because `/bin/sh -c "…"` may keep the shell as parent: signalling only the shell would orphan the server or
 * trainer it started.
 */
export function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (proc.pid !== undefined) process.kill(-proc.pid, signal);
  } catch {
    // the group is already gone
  }
}
