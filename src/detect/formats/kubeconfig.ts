// kubeconfig (~/.kube/config, admin.conf): users[].user.token, client-key-data, password and auth-provider secrets.
import { judgeValue } from '../plausibility.ts';
import { decodeBase64, type FormatDetector, type FormatHit } from './format.ts';

const SECRET_KEYS = new Set([
  'token',
  'client-key-data',
  'password',
  'client-secret',
  'id-token',
  'refresh-token',
  'access-token',
]);
const KUBE_CONF = new Set([
  'admin.conf',
  'kubelet.conf',
  'controller-manager.conf',
  'scheduler.conf',
  'super-admin.conf',
]);
const LINE =
  /^([ \t]*)(?:-[ \t]+)?([A-Za-z][\w-]*)[ \t]*:[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s#][^\n#]*?))?[ \t]*(?:#.*)?$/;

export const kubeconfig: FormatDetector = {
  id: 'kubeconfig-credential',
  description: 'Cluster credential in a kubeconfig (user token, client key, password, auth-provider secret)',
  kind: 'kubernetes-credential',
  severity: 'critical',
  confidence: 'high',
  files: '.kube/config, kubeconfig, *.kubeconfig, admin.conf, kubelet.conf',
  appliesTo: (f) => {
    const n = f.base;
    const p = f.path;
    return (
      p.endsWith('/.kube/config') ||
      /^kubeconfig(?:[._-][\w.-]*)?$/.test(n) ||
      n.endsWith('.kubeconfig') ||
      (KUBE_CONF.has(n) && p.includes('kubernetes'))
    );
  },
  detect(text) {
    if (!/^users[ \t]*:/m.test(text)) return [];
    const hits: FormatHit[] = [];
    let inUsers = false;
    let user: string | undefined;
    let offset = 0;
    for (const raw of text.split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      const m = LINE.exec(line);
      if (m !== null) {
        const [, indent, key, dq, sq, plain] = m;
        if (indent === '' && !line.startsWith('-')) {
          inUsers = key === 'users';
          user = undefined;
        } else if (inUsers && key === 'name' && /^[ \t]*-/.test(line)) {
          user = dq ?? sq ?? plain;
        } else if (inUsers && key !== undefined && SECRET_KEYS.has(key)) {
          const value = dq ?? sq ?? plain;
          const start = value === undefined ? -1 : line.indexOf(value, line.indexOf(':') + 1);
          if (
            value !== undefined &&
            start >= 0 &&
            value.length >= 8 &&
            judgeValue(value, line, true) !== 'reject'
          ) {
            const keyData = key === 'client-key-data';
            const pem = keyData ? decodeBase64(value) : undefined;
            if (!keyData || pem?.includes('PRIVATE KEY-----') === true)
              hits.push({
                start: offset + start,
                end: offset + start + value.length,
                field: `users[${user ?? '?'}].${key}`,
                ...(user === undefined ? {} : { identifier: user }),
                ...(keyData ? { kind: 'private-key' } : {}),
                ...(key === 'password' ? { confidence: 'medium' as const } : {}),
              });
          }
        }
      }
      offset += raw.length + 1;
    }
    return hits;
  },
  examples: [
    {
      path: 'home/ops/.kube/config',
      text: [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- cluster:',
        '    server: https://k8s.acme.internal:6443',
        '  name: prod',
        'users:',
        '- name: ci-deployer',
        '  user:',
        '    token: eyJhbGciOiJSUzI1NiIsImtpZCI6IkZ3In0.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Y2k6ZGVwbG95ZXIifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg',
        '- name: admin',
        '  user:',
        '    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=',
        '    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVBM2V5R3FSNnRQeVc0Cg==',
        '- name: legacy',
        '  user:',
        '    username: admin',
        '    password: "Xk7#pL2qWv9m"',
        '',
      ].join('\n'),
      finds: [
        {
          field: 'users[ci-deployer].token',
          secret:
            'eyJhbGciOiJSUzI1NiIsImtpZCI6IkZ3In0.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Y2k6ZGVwbG95ZXIifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg',
        },
        {
          field: 'users[admin].client-key-data',
          secret: 'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVBM2V5R3FSNnRQeVc0Cg==',
        },
        { field: 'users[legacy].password', secret: 'Xk7#pL2qWv9m' },
      ],
    },
    {
      path: 'kubeconfig.yaml',
      text: 'apiVersion: v1\nkind: Config\nusers:\n- name: dev\n  user:\n    exec:\n      command: aws\n    token: ${K8S_TOKEN}\n',
      finds: [],
    },
  ],
};
