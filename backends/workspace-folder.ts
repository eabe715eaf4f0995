// The user's workspace (spec §9.1) as a folder on the file system the worker shares with the
// hosts: `<base>/<deployment>/<user>`, mounted read-write at /mnt/workspace in every container.
// Back-ends that bind-mount it (Docker; a Kubernetes hostPath) create it here when missing, owned
// by the user's uid, private.
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import type { WorkspacePlan } from '../model/instance.js';

export function ensureWorkspaceFolder(workspace: WorkspacePlan): void {
  if (existsSync(workspace.path)) return; // an existing workspace keeps its owner and mode
  mkdirSync(workspace.path, { recursive: true, mode: 0o700 });
  if (process.getuid?.() === 0) chownSync(workspace.path, workspace.uid, workspace.gid);
}
