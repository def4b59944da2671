// The file-format detectors, in one registry: the engine, `rules list`, the README and the tests read it.
import { composerAuth } from './composer-auth.ts';
import { dockerConfig } from './docker-config.ts';
import { filezilla } from './filezilla.ts';
import type { FormatDetector } from './format.ts';
import { gcloudAdc } from './gcloud-adc.ts';
import { htpasswd } from './htpasswd.ts';
import { keystore } from './keystore.ts';
import { kubeconfig } from './kubeconfig.ts';
import { netrc } from './netrc.ts';
import { pgpass } from './pgpass.ts';
import { puttyPpk } from './putty-ppk.ts';
import { railsMasterKey } from './rails-master-key.ts';
import { sftpClients } from './sftp-clients.ts';
import { shadow } from './shadow.ts';

export const FORMATS: readonly FormatDetector[] = [
  composerAuth,
  dockerConfig,
  filezilla,
  gcloudAdc,
  htpasswd,
  keystore,
  kubeconfig,
  netrc,
  pgpass,
  puttyPpk,
  railsMasterKey,
  sftpClients,
  shadow,
];

/** The format detectors with these ids, in registry order (unknown ids are the caller's to report). */
export function formatsById(ids: readonly string[]): FormatDetector[] {
  const wanted = new Set(ids);
  return FORMATS.filter((f) => wanted.has(f.id));
}
