// The original Zoe's INI host file (spec §8.1): one section per Docker Engine host, a DEFAULT
// section whose keys every host inherits. Parsed strictly: anything malformed is refused with its
// line and the reason, and a host missing a required key is an error (the original logged and
// skipped it, so a typo silently removed a host from the pool). Configuration, not back-end code:
// the Docker back-end builds its engine clients from the entries, and the scheduling simulator
// reads the same file (with `cores` and `memory` added) without any engine.
import { readFileSync } from 'node:fs';

/** A malformed host file: `line` is 1-based (0 when the problem is the file as a whole). */
export class HostFileError extends Error {
  constructor(readonly line: number, readonly reason: string) {
    super(line > 0 ? `line ${line}: ${reason}` : reason);
    this.name = 'HostFileError';
  }
}

/** One key of an INI section, with the line it was written on. */
export interface IniValue {
  value: string;
  line: number;
}

export interface IniSection {
  name: string;
  /** Line of the `[name]` header. */
  line: number;
  /** Keys lower-cased (as Python's configparser does); the section's own keys only. */
  entries: Map<string, IniValue>;
}

export interface IniFile {
  /** The `[DEFAULT]` section's keys, inherited by every section that does not set them. */
  defaults: Map<string, IniValue>;
  /** Every other section, in file order. */
  sections: IniSection[];
}

const sectionHeader = /^\[([^\]]*)\]\s*(?:[#;].*)?$/;
const keyValue = /^([^=:]*?)\s*[=:]\s*(.*)$/;

/** Drops an inline comment: `#` or `;` preceded by whitespace (a value may contain `host#1`). */
function stripInlineComment(value: string): string {
  const match = /\s[#;]/.exec(value);
  return (match ? value.slice(0, match.index) : value).trim();
}

/**
 * Reads INI text the way Python's configparser reads Zoe's host file, with these rules:
 * `[section]` headers (names case-sensitive, `DEFAULT` special); `key: value` or `key = value`
 * (split at the first `:` or `=`; keys case-insensitive); whole-line comments starting with `#`
 * or `;`, and inline comments after whitespace; blank lines; an indented line continues the
 * previous value (joined with a newline). Values are literal (no `%(name)s` interpolation).
 * Refused: a key before any section, a line that is neither a header, a comment nor `key: value`,
 * an empty key or section name, a section or a key given twice.
 */
export function parseIni(text: string): IniFile {
  const defaults = new Map<string, IniValue>();
  const sections: IniSection[] = [];
  const seen = new Set<string>();
  let current: Map<string, IniValue> | undefined;
  let last: IniValue | undefined;
  const lines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) {
      if (trimmed === '') last = undefined;
      return;
    }
    if (/^\s/.test(raw) && last !== undefined) {
      last.value = last.value === '' ? stripInlineComment(trimmed) : `${last.value}\n${stripInlineComment(trimmed)}`;
      return;
    }
    if (trimmed.startsWith('[')) {
      const header = sectionHeader.exec(trimmed);
      if (!header) throw new HostFileError(line, `malformed section header ${JSON.stringify(trimmed)}: expected [name]`);
      const name = (header[1] ?? '').trim();
      if (name === '') throw new HostFileError(line, 'empty section name');
      if (seen.has(name)) throw new HostFileError(line, `section [${name}] appears twice`);
      seen.add(name);
      if (name === 'DEFAULT') current = defaults;
      else {
        current = new Map();
        sections.push({ name, line, entries: current });
      }
      last = undefined;
      return;
    }
    const pair = keyValue.exec(trimmed);
    if (!pair) throw new HostFileError(line, `expected "key: value", "key = value", a [section] header or a comment, got ${JSON.stringify(trimmed)}`);
    const key = (pair[1] ?? '').trim().toLowerCase();
    if (key === '') throw new HostFileError(line, `missing key before "${trimmed[pair[1]?.length ?? 0] ?? ':'}"`);
    if (current === undefined) throw new HostFileError(line, `"${key}" comes before any [section] header`);
    if (current.has(key)) throw new HostFileError(line, `key "${key}" is given twice in this section`);
    last = { value: stripInlineComment(pair[2] ?? ''), line };
    current.set(key, last);
  });
  return { defaults, sections };
}

/** A section's value for `key`, its own or inherited from DEFAULT. */
export function lookup(file: IniFile, section: IniSection, key: string): IniValue | undefined {
  return section.entries.get(key) ?? file.defaults.get(key);
}

/** Splits a comma-separated label list (newlines separate too); empty items are dropped. */
export function splitLabels(value: string): string[] {
  return [...new Set(value.split(/[,\n]/).map((label) => label.trim()).filter((label) => label !== ''))];
}

/** One host of the host file, validated. */
export interface HostFileEntry {
  /** The section name: the host's name everywhere (placements, statistics). */
  name: string;
  /** As written: `host:port`, `tcp://host:port`, `http(s)://host:port` or `unix:///path`. */
  dockerAddress: string;
  /** Address users reach the published ports on. */
  externalAddress: string;
  /** Paths of the client certificate, its key and the CA, present when `use_tls` is true. */
  tls?: { cert: string; key: string; ca: string };
  labels: string[];
}

const booleans: Record<string, boolean> = { '1': true, yes: true, true: true, on: true, '0': false, no: false, false: false, off: false };

/** A Docker Engine address, split into what an engine client needs. */
export type EngineAddress =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number; protocol?: 'http' | 'https' };

/**
 * Parses a `docker_address`: `unix:///var/run/docker.sock`, `tcp://host:2375`,
 * `http://host:2375`, `https://host:2376`, `host:2375`, `[::1]:2375` or a bare `host` (port
 * 2375, or 2376 with TLS). Returns a reason string when the address is not one of these.
 */
export function parseEngineAddress(address: string, tls: boolean): EngineAddress | string {
  if (address.startsWith('unix://')) {
    const socketPath = address.slice('unix://'.length);
    return socketPath.startsWith('/') ? { kind: 'unix', socketPath } : 'a unix address needs an absolute path: unix:///var/run/docker.sock';
  }
  const scheme = /^([a-z]+):\/\//i.exec(address);
  let protocol: 'http' | 'https' | undefined;
  let rest = address;
  if (scheme) {
    const name = (scheme[1] ?? '').toLowerCase();
    if (name !== 'tcp' && name !== 'http' && name !== 'https') return `unsupported scheme "${name}://" (use tcp://, http://, https:// or unix://)`;
    if (name !== 'tcp') protocol = name;
    rest = address.slice(scheme[0].length).replace(/\/+$/, '');
  }
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d+))?$/.exec(rest);
  if (!match) return `not an engine address: expected host:port, tcp://host:port or unix:///path`;
  const host = (match[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  const port = match[2] === undefined ? (tls ? 2376 : 2375) : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `port ${match[2]} is out of range (1-65535)`;
  return protocol === undefined ? { kind: 'tcp', host, port } : { kind: 'tcp', host, port, protocol };
}

/**
 * Parses the host file text. Every section other than DEFAULT is a host and must have (itself or
 * through DEFAULT) `docker_address` (or the documented `address`, not both), `external_address`
 * and `use_tls` (1/yes/true/on or 0/no/false/off); with TLS also `tls_cert`, `tls_key` and
 * `tls_ca`. `labels` is optional. Other keys are ignored (the simulator reads `cores` and
 * `memory` from the same file). Throws `HostFileError` naming the line, or the section and key.
 */
export function parseHostFile(text: string): HostFileEntry[] {
  const file = parseIni(text);
  if (file.sections.length === 0) throw new HostFileError(0, 'the host file defines no host: add a [host-name] section');
  return file.sections.map((section) => {
    const need = (key: string): IniValue => {
      const found = lookup(file, section, key);
      if (found === undefined) throw new HostFileError(section.line, `host [${section.name}] is missing the required key "${key}"`);
      if (found.value === '') throw new HostFileError(found.line, `host [${section.name}]: "${key}" is empty`);
      return found;
    };
    const docker = lookup(file, section, 'docker_address');
    const alias = lookup(file, section, 'address');
    if (docker && alias) throw new HostFileError(alias.line, `host [${section.name}] gives both "docker_address" and "address": keep one`);
    const address = docker ? need('docker_address') : alias ? need('address') : need('docker_address');
    const externalAddress = need('external_address');
    const useTls = need('use_tls');
    const tls = booleans[useTls.value.toLowerCase()];
    if (tls === undefined) throw new HostFileError(useTls.line, `host [${section.name}]: use_tls must be yes or no (or true/false, on/off, 1/0), got ${JSON.stringify(useTls.value)}`);
    const engine = parseEngineAddress(address.value, tls);
    if (typeof engine === 'string') throw new HostFileError(address.line, `host [${section.name}]: ${engine}, got ${JSON.stringify(address.value)}`);
    if (/\s/.test(externalAddress.value)) throw new HostFileError(externalAddress.line, `host [${section.name}]: external_address must be one address, got ${JSON.stringify(externalAddress.value)}`);
    const entry: HostFileEntry = {
      name: section.name,
      dockerAddress: address.value,
      externalAddress: externalAddress.value,
      labels: splitLabels(lookup(file, section, 'labels')?.value ?? ''),
    };
    if (tls) entry.tls = { cert: need('tls_cert').value, key: need('tls_key').value, ca: need('tls_ca').value };
    return entry;
  });
}

/** Reads and parses a host file; an unreadable file is a `HostFileError` at line 0. */
export function readHostFile(path: string): HostFileEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new HostFileError(0, `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseHostFile(text);
}
