// Docker image references (distribution/reference grammar), checked when a ZApp is validated so a
// typo is reported to the author instead of failing later on a container host.
//
//   reference := [domain '/'] path [':' tag] ['@' digest]
//   domain    := host [':' port]          host: DNS labels, or 'localhost'
//   path      := component ('/' component)*   component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
//   tag       := [\w][\w.-]{0,127}
//   digest    := sha256:<64 hex> | sha512:<128 hex>
//
// Pure code: no Node built-ins. Lengths are checked before any pattern runs, and every pattern is
// anchored and linear, so a huge input costs one length comparison.

export interface ImageReference {
  /** Registry host with optional port, when the reference names one. */
  domain?: string;
  /** Repository path, e.g. `zapps/spark-master`. */
  path: string;
  tag?: string;
  digest?: string;
}

export type ImageParse = { ok: true; reference: ImageReference } | { ok: false; reason: string };

const maxReferenceLength = 512;
const maxNameLength = 255;
const domainComponent = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const port = /^[0-9]{1,5}$/;
const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** Parses an image reference, or says in one phrase why it is not well formed. */
export function parseImageReference(text: string): ImageParse {
  if (text.length === 0) return fail('it is empty');
  if (text.length > maxReferenceLength) return fail(`it is longer than ${maxReferenceLength} characters`);

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) return fail('the digest after "@" must be sha256:<64 lowercase hex digits> (or sha512:<128>)');
  }

  // A ':' after the last '/' starts the tag; an earlier one is the registry port.
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) return fail(`the tag ${JSON.stringify(tag)} must be 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'`);
  }

  if (rest.length === 0) return fail('the repository name is missing');
  if (rest.length > maxNameLength) return fail(`the repository name is longer than ${maxNameLength} characters`);

  const components = rest.split('/');
  let domain: string | undefined;
  const first = components[0] ?? '';
  // As in docker: the first component is a registry only if it looks like a host, not a path.
  if (components.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    const domainProblem = checkDomain(first);
    if (domainProblem !== undefined) return fail(domainProblem);
    domain = first;
    components.shift();
  }
  for (const component of components) {
    if (!pathComponent.test(component)) {
      return fail(`the repository path component ${JSON.stringify(component)} must be lowercase letters and digits, separated by '.', '_', '__' or '-'`);
    }
  }
  return { ok: true, reference: { path: components.join('/'), ...(domain === undefined ? {} : { domain }), ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) } };
}

function checkDomain(domain: string): string | undefined {
  const [host = '', portText, extra] = domain.split(':');
  if (extra !== undefined) return `the registry ${JSON.stringify(domain)} has more than one ':'`;
  if (portText !== undefined && (!port.test(portText) || Number(portText) > 65535)) {
    return `the registry port ${JSON.stringify(portText)} must be a number from 0 to 65535`;
  }
  if (!host.split('.').every((label) => domainComponent.test(label))) {
    return `the registry host ${JSON.stringify(host)} is not a valid host name`;
  }
  return undefined;
}

function fail(reason: string): ImageParse {
  return { ok: false, reason };
}
