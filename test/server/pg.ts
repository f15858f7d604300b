// The server tests start PostgreSQL with the shared helper.
export * from "../helpers/postgres.ts";
