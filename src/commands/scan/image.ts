// `keyspill scan image REF…`: every layer and the config of container images (registry, OCI layout, archives, daemon).
import { homedir } from 'node:os';
import { Args, Flags } from '@oclif/core';
import { ScanCommand } from '../../cli/scan-command.ts';
import { scanFlags } from '../../cli/scan-flags.ts';
import { parseSize } from '../../config/size.ts';
import { ConfigError } from '../../errors.ts';
import type { Json } from '../../report/json.ts';

export default class ScanImage extends ScanCommand {
  static override summary = 'Scan container images, every layer and the config, for leaked secrets.';
  static override description = [
    'REF uses the transport syntax of skopeo: docker://REGISTRY/REPO:TAG (or @sha256:…), oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG] (a `docker save` tarball) and docker-daemon:NAME:TAG (through `docker save`, so it needs a running Docker engine). A bare NAME:TAG means docker://, on Docker Hub for names without a registry (library/ for one-part names). Without a tag, oci: and the archives scan every image they hold.',
    'Every layer is streamed (gzip, zstd or plain), never unpacked to disk; each unique layer is scanned once even when several images share it. A secret deleted or overwritten by a later layer is still reported: the layer keeps it and anyone with the image can read it. The config is scanned too: Env, Labels, Cmd, Entrypoint and every history line (where ARG and --build-arg values appear).',
    'Registries: anonymous, basic or bearer-token auth, with --creds or the credentials of ~/.docker/config.json (auths, credHelpers, credsStore through docker-credential-*). TLS unless --insecure-registry names the registry. For a multi-platform image, --platform picks one (default linux/amd64) and --all-platforms scans each.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> scan image docker://ghcr.io/acme/api:1.4.2',
    '<%= config.bin %> scan image alpine:3.20 --platform linux/arm64',
    '<%= config.bin %> scan image docker://registry.internal:5000/team/app:latest --insecure-registry registry.internal:5000 --creds ci:"$REGISTRY_TOKEN"',
    '<%= config.bin %> scan image oci:build/layout:1.0 --format sarif --output image.sarif',
    '<%= config.bin %> scan image oci-archive:app-oci.tar --all-platforms',
    '<%= config.bin %> scan image docker-archive:app.tar',
    '<%= config.bin %> scan image docker-daemon:app:dev',
  ];
  static override strict = false;
  static override args = {
    ref: Args.string({ description: 'Images to scan, in transport syntax.', required: true }),
  };
  static override flags = {
    ...scanFlags,
    platform: Flags.string({
      summary: 'Platform to scan in a multi-platform image: os/arch[/variant] (default linux/amd64).',
      helpValue: 'OS/ARCH',
      exclusive: ['all-platforms'],
    }),
    'all-platforms': Flags.boolean({
      summary: 'Scan every platform of a multi-platform image.',
      default: false,
    }),
    creds: Flags.string({
      summary: 'Registry credentials USER:PASS, sent to each registry of the run that asks for them.',
      helpValue: 'USER:PASS',
      env: 'KEYSPILL_REGISTRY_CREDS',
    }),
    'insecure-registry': Flags.string({
      summary: 'Reach this registry over plain HTTP instead of TLS (repeatable).',
      helpValue: 'HOST[:PORT]',
      multiple: true,
    }),
    'max-layer-size': Flags.string({
      summary: 'Stop reading a layer past this many uncompressed bytes (a decompression bomb), default 10GB.',
      helpValue: 'SIZE',
    }),
  };

  async run(): Promise<Json> {
    const { argv, flags } = await this.parse(ScanImage);
    let maxLayerSize: number | undefined;
    if (flags['max-layer-size'] !== undefined) {
      try {
        maxLayerSize = parseSize(flags['max-layer-size']);
      } catch (e) {
        throw new ConfigError(`--max-layer-size: ${(e as Error).message}`, undefined, { cause: e });
      }
    }
    const { imageSource, DEFAULT_MAX_LAYER_SIZE } = await import('../../sources/image/source.ts');
    const cwd = process.cwd();
    return this.scanWith(flags, cwd, (policy) =>
      imageSource({
        refs: argv as string[],
        platform: flags.platform,
        allPlatforms: flags['all-platforms'],
        creds: flags.creds,
        insecureRegistries: flags['insecure-registry'] ?? [],
        maxLayerSize: maxLayerSize ?? DEFAULT_MAX_LAYER_SIZE,
        policy,
        cwd,
        env: process.env,
        homedir: homedir(),
        userAgent: `keyspill/${this.config.version}`,
      }),
    );
  }
}
