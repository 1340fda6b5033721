// Moved to the client-safe shared package; this path stays for existing imports.
export * from "@scrollintel/shared/ingest-status";
