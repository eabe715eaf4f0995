// Zoe's text-file user list: one `username,password,role` per line (the password plaintext or a
// scrypt hash). The original's two-column form `username,password` is read with role `user`.
import { readFileSync } from 'node:fs';

export interface TextFileUser {
  username: string;
  password: string;
  role: string;
}

export interface TextFileProblem {
  line: number;
  reason: string;
}

export function parseUserFile(text: string): { users: Map<string, TextFileUser>; problems: TextFileProblem[] } {
  const users = new Map<string, TextFileUser>();
  const problems: TextFileProblem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length < 2 || fields.length > 3) {
      problems.push({ line: index + 1, reason: 'expected username,password,role' });
      return;
    }
    const [username, password, role = 'user'] = fields as [string, string, string?];
    if (!/^[A-Za-z0-9._@-]{1,64}$/.test(username) || password === '') {
      problems.push({ line: index + 1, reason: 'the username or password is not valid' });
      return;
    }
    users.set(username, { username, password, role });
  });
  return { users, problems };
}

/** Reads the file on every call: an admin's edit takes effect without a restart. Missing file: no users. */
export function readUserFile(path: string): Map<string, TextFileUser> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return new Map();
  }
  return parseUserFile(text).users;
}
