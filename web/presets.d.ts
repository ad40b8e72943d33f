// Types of presets.js, for the tests that import it.
export declare const defaults: Record<string, unknown>;
export declare const presets: ({ label: string; config: Record<string, unknown> } | { label: string; url: string })[];
export declare function presetConfig(preset: (typeof presets)[number]): Promise<Record<string, unknown>>;
