// Client-safe scope names now live in the shared package; this path stays for existing imports.
export { API_KEY_SCOPES, type ApiKeyScope } from "@scrollintel/shared/api-key-scopes";
