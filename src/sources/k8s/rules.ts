// The Kubernetes rules: findings that depend on object structure (not on a pattern), with their ids and wording.
import { shannonEntropy } from '../../detect/entropy.ts';
import type { Location, Match } from '../../model/match.ts';
import type { Severity } from '../../model/rule.ts';

export interface K8sRule {
  readonly id: string;
  readonly kind: string;
  readonly severity: Severity;
  readonly description: string;
  /** How a pattern rule's description reads when its match is in this place. */
  readonly suffix: string;
}

/**
 * A credential (any rule's match) in a ConfigMap's data or binaryData. The match keeps its credential kind (so
 * the rotation advice still fits); the rule id says where it is.
 */
export const CONFIGMAP_RULE: K8sRule = {
  id: 'k8s-configmap-credential',
  kind: 'generic-secret',
  severity: 'high',
  description: 'Credential in a Kubernetes ConfigMap',
  suffix: 'in a ConfigMap',
};

/** Any non-empty, non-placeholder value of a Secret manifest's data or stringData (a file, stdin, a git blob). */
export const SECRET_MANIFEST_RULE: K8sRule = {
  id: 'k8s-secret-manifest',
  kind: 'kubernetes-secret',
  severity: 'high',
  description: 'Kubernetes Secret manifest with real data (base64 is not encryption)',
  suffix: 'in a Secret manifest',
};

/** Any non-empty value of a Secret's data or stringData copied into kubectl's last-applied-configuration. */
export const LAST_APPLIED_RULE: K8sRule = {
  id: 'k8s-secret-last-applied',
  kind: 'kubernetes-secret',
  severity: 'high',
  description: "Secret value in clear in kubectl's last-applied-configuration annotation",
  suffix: "in a Secret's last-applied-configuration annotation",
};

export const K8S_RULES: readonly K8sRule[] = [CONFIGMAP_RULE, SECRET_MANIFEST_RULE, LAST_APPLIED_RULE];

/**
 * A pattern rule's match in a live Secret's own data: the credential is where it belongs, so it is reported as an
 * inventory entry (its rule id kept, so its fingerprint matches the same secret found anywhere else), at low
 * severity.
 */
export function inLiveSecret(m: Match): Match {
  return { ...m, severity: 'low', description: `${m.description}, stored in a Secret` };
}

/**
 * Values that are not real data: templates (Helm, envsubst, ERB), `<placeholders>` and the usual stand-ins.
 * A Secret manifest holding only these is a template, not a leak.
 */
const PLACEHOLDER =
  /^(?:changeme|change[-_ ]me|placeholder|todo|tbd|fixme|replace[-_ ]?me|example|dummy|none|null|nil|secret|password|redacted|x+|\*+|-+|\.+)$/i;

export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  return (
    v === '' ||
    PLACEHOLDER.test(v) ||
    v.includes('{{') ||
    v.includes('${') ||
    v.includes('<%') ||
    /^<[^<>]*>$/.test(v)
  );
}

/** A match of a Kubernetes rule for one Secret value. */
export function structuralMatch(rule: K8sRule, secret: string, location: Location, lineText: string): Match {
  return {
    ruleId: rule.id,
    kind: rule.kind,
    severity: rule.severity,
    description: rule.description,
    secret,
    entropy: shannonEntropy(secret),
    // Yields to a pattern rule that matched the same place: one secret, one finding, under the rule that knows it.
    generic: true,
    // A value of a Secret's data: a credential field with a (non-placeholder) value.
    confidence: 'medium',
    location,
    lineText,
  };
}

/** A pattern rule's match moved under a Kubernetes rule: its id and place change, its credential kind stays. */
export function underRule(rule: K8sRule, m: Match): Match {
  return {
    ...m,
    ruleId: rule.id,
    severity: SEVERITY_RANK[m.severity] > SEVERITY_RANK[rule.severity] ? m.severity : rule.severity,
    description: `${m.description}, ${rule.suffix}`,
  };
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };
