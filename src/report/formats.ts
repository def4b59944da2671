// Report format names: what --format accepts (the registry must give each one a reporter; the compiler checks).

export const FORMAT_NAMES = ['text', 'json', 'sarif', 'csv'] as const;

export type FormatName = (typeof FORMAT_NAMES)[number];
