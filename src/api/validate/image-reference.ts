// The grammar of Docker image references (distribution's reference package), written out:
//   reference := [domain '/'] path [':' tag] ['@' digest]
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`,
);
const PATH_COMPONENT = new RegExp(`^${COMPONENT}$`);
const MAX_NAME_LENGTH = 255;

/** Whether the part before the first `/` names a registry rather than a path component. */
function looksLikeRegistry(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

/**
 * Whether `image` is a valid image reference (`nginx`, `nginx:1.25`, `ghcr.io/a/b:tag`,
 * `redis@sha256:<hex>`, `localhost:5000/app`). Repository paths must be lower case. A
 * leading part that looks like a registry host (has a `.` or `:`, or is `localhost`) is
 * read as one, as Docker does.
 */
export function isValidImageReference(image: string): boolean {
  if (!REFERENCE.test(image)) return false;
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  if (slash >= 0 && !looksLikeRegistry(first) && !PATH_COMPONENT.test(first)) return false;
  const name = image.split('@')[0] ?? '';
  const tagAt = name.lastIndexOf(':');
  const repository = tagAt > name.lastIndexOf('/') ? name.slice(0, tagAt) : name;
  return repository.length <= MAX_NAME_LENGTH;
}
