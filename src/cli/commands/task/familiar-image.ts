/**
 * An image reference as docker shows it in task lists: when it has a tag, the digest is
 * dropped and the name shortened to its familiar form (`docker.io/library/nginx:1.25@sha256:…`
 * → `nginx:1.25`); references without a tag, or with a name docker would reject
 * (upper case), are kept as they are. Pure.
 */
export function familiarImage(image: string): string {
  const at = image.indexOf('@');
  const withoutDigest = at < 0 ? image : image.slice(0, at);
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon <= slash) return image;
  const name = withoutDigest.slice(0, colon);
  const tag = withoutDigest.slice(colon + 1);
  const path = hasDomain(name) ? name.slice(name.indexOf('/') + 1) : name;
  if (!/^[\w][\w.-]{0,127}$/.test(tag) || path !== path.toLowerCase() || path === '') return image;
  return `${familiarName(name)}:${tag}`;
}

function hasDomain(name: string): boolean {
  const first = name.split('/')[0] ?? '';
  return (
    name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
  );
}

function familiarName(name: string): string {
  if (!hasDomain(name)) return name.replace(/^library\/(?=[^/]+$)/, '');
  const domain = name.slice(0, name.indexOf('/'));
  if (domain !== 'docker.io' && domain !== 'index.docker.io') return name;
  return name.slice(domain.length + 1).replace(/^library\/(?=[^/]+$)/, '');
}
