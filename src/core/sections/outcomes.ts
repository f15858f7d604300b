/** What a logged attack did, as the logs section and its charts name it (no zod: renderers import this). */
export const LOG_OUTCOMES = ["succeeded", "blocked", "failed", "unknown"] as const;
