// Loading the ZApp shop (spec §2.1): one folder per ZApp repository, each with a manifest.json.
// A broken folder or entry is left out with its reason recorded; it never stops the rest loading.
import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { findJsonSyntaxError } from '../json-syntax.js';
import { issuesToProblems, plainSentence, type ZAppProblem } from '../../model/problems.js';
import type { ZApp } from '../schema.js';
import { parseZAppJson, type AdminLimits } from '../validate.js';
import { manifestSchema, type ManifestEntry, type ShopParameter } from './manifest.js';
import { renderMarkdown } from './markdown.js';
import { applyParameters } from './parameters.js';
import { isInside, readShopText, resolveShopLogo, ShopFileError } from './safe-files.js';

/** A ZApp offered by the shop. */
export interface ShopZApp {
  /** `<folder>-<index in manifest.zapps>`, e.g. `zapp-spark-0`. */
  id: string;
  folder: string;
  index: number;
  category: string;
  /** Human-readable title from the manifest (not the ZApp's own `name`). */
  name: string;
  /** The validated description, before any parameter is applied. */
  zapp: ZApp;
  /** The readme rendered to HTML that is safe to insert as is. */
  readmeHtml: string;
  /** Real path of the PNG logo, inside the shop folder. */
  logoFile: string;
  parameters: ShopParameter[];
  labels: string[];
  enabledFor: string[];
  disabledFor: string[];
  guestAccess?: boolean;
}

export interface ShopProblem {
  /** The shop sub-folder concerned ('' for the shop folder itself). */
  folder: string;
  reason: string;
}

export interface Shop {
  zapps: ShopZApp[];
  problems: ShopProblem[];
}

/** Folder names appear in URLs; the original's route accepted only these. */
const folderNamePattern = /^[0-9a-z][0-9a-z_.-]*$/;
const manifestFile = 'manifest.json';

/** Loads every folder of the shop; folders in name order, entries in manifest order. */
export async function loadShop(dir: string, limits: AdminLimits): Promise<Shop> {
  const shop: Shop = { zapps: [], problems: [] };
  let root: string;
  let folders: string[];
  try {
    root = await realpath(dir);
    const entries = await readdir(root, { withFileTypes: true });
    folders = entries.filter((entry) => entry.isDirectory() || entry.isSymbolicLink()).map((entry) => entry.name).sort();
  } catch (error) {
    shop.problems.push({ folder: '', reason: `The shop folder ${dir} cannot be read: ${describe(error)}` });
    return shop;
  }
  for (const folder of folders) {
    if (folder.startsWith('.')) continue; // .git and friends are not ZApp repositories
    const loaded = await loadFolder(root, folder, limits);
    shop.zapps.push(...loaded.zapps);
    shop.problems.push(...loaded.problems);
  }
  return shop;
}

async function loadFolder(root: string, folder: string, limits: AdminLimits): Promise<Shop> {
  const result: Shop = { zapps: [], problems: [] };
  const problem = (reason: string) => result.problems.push({ folder, reason });
  let folderPath: string;
  try {
    folderPath = await realpath(path.join(root, folder));
  } catch (error) {
    problem(`The folder cannot be opened: ${describe(error)}`);
    return result;
  }
  if (!isInside(root, folderPath)) { problem('The folder points outside the shop folder.'); return result; }

  let manifestText: string;
  try {
    manifestText = await readShopText(root, folderPath, manifestFile);
  } catch {
    return result; // as in the original, a folder without a manifest is simply not a ZApp folder
  }
  if (!folderNamePattern.test(folder)) {
    problem("The folder name must be lowercase letters, digits, '_', '.' and '-' (it appears in URLs).");
    return result;
  }
  const manifest = parseManifest(manifestText);
  if (!manifest.ok) { problem(`${manifestFile} is not valid: ${joinProblems(manifest.problems)}`); return result; }

  for (const [index, entry] of manifest.entries.entries()) {
    try {
      result.zapps.push(await loadEntry(root, folderPath, folder, index, entry, limits));
    } catch (error) {
      problem(`ZApp ${index} ("${entry.name}") is unavailable: ${describe(error)}`);
    }
  }
  return result;
}

function parseManifest(text: string): { ok: true; entries: ManifestEntry[] } | { ok: false; problems: ZAppProblem[] } {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    const syntax = findJsonSyntaxError(text);
    const where = syntax === undefined ? describe(error) : `${syntax.reason} at line ${syntax.line}, column ${syntax.column}`;
    return { ok: false, problems: [{ path: '', message: `It is not valid JSON: ${where}.` }] };
  }
  const parsed = manifestSchema.safeParse(input, { error: plainSentence });
  return parsed.success ? { ok: true, entries: parsed.data.zapps } : { ok: false, problems: issuesToProblems(parsed.error.issues) };
}

async function loadEntry(root: string, folderPath: string, folder: string, index: number, entry: ManifestEntry, limits: AdminLimits): Promise<ShopZApp> {
  const validation = parseZAppJson(await readShopText(root, folderPath, entry.description), limits);
  if (!validation.valid) throw new ShopFileError(`${entry.description} does not validate: ${joinProblems(validation.errors)}`);
  const readmeHtml = renderMarkdown(await readShopText(root, folderPath, entry.readable_descr));
  const logoFile = await resolveShopLogo(root, folderPath, entry.logo);

  const mismatch = parameterMismatch(validation.zapp, entry.parameters);
  if (mismatch !== undefined) throw new ShopFileError(mismatch);
  // The form starts from the defaults, so they must give a startable ZApp.
  const withDefaults = applyParameters(validation.zapp, entry, {}, limits);
  if (!withDefaults.valid) throw new ShopFileError(`the parameter defaults do not give a valid ZApp: ${joinProblems(withDefaults.errors)}`);

  // The shop is shared by every request: freeze what it hands out so that a caller changing a
  // ZApp in place (instead of through applyParameters) fails loudly instead of leaking to others.
  return deepFreeze({
    id: `${folder}-${index}`,
    folder,
    index,
    category: entry.category,
    name: entry.name,
    zapp: validation.zapp,
    readmeHtml,
    logoFile,
    parameters: entry.parameters,
    labels: entry.labels ?? [],
    enabledFor: entry.enabled_for,
    disabledFor: entry.disabled_for,
    ...(entry.guest_access === undefined ? {} : { guestAccess: entry.guest_access }),
  });
}

function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null || Object.isFrozen(node)) continue;
    Object.freeze(node);
    pending.push(...(Object.values(node) as unknown[]));
  }
  return value;
}

/** A parameter that changes nothing is a manifest mistake (the original ignored it silently). */
function parameterMismatch(zapp: ZApp, parameters: readonly ShopParameter[]): string | undefined {
  for (const parameter of parameters) {
    const found = parameter.kind === 'environment'
      ? zapp.services.some((service) => service.environment.some(([name]) => name === parameter.name))
      : zapp.services.some((service) => service.name === parameter.name);
    const target = parameter.kind === 'environment' ? 'an environment variable' : 'a service';
    if (!found) return `the ${parameter.kind} parameter "${parameter.name}" names ${target} that the ZApp does not have`;
  }
  return undefined;
}

function joinProblems(problems: readonly ZAppProblem[]): string {
  const shown = problems.slice(0, 10).map((p) => (p.path === '' ? p.message : `${p.path}: ${p.message}`));
  const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
  return shown.join(' ') + more;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The shop ZApp with this id, if it loaded. */
export function findShopZApp(shop: Shop, id: string): ShopZApp | undefined {
  return shop.zapps.find((zapp) => zapp.id === id);
}
