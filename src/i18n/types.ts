export const LANGS = ["en", "ja"] as const;
export type Lang = (typeof LANGS)[number];

/** Every user-facing sentence exists in both languages; the type makes a missing one a compile error. */
export type Messages = Record<string, { en: string; ja: string }>;
