import { z } from "zod";

// Before any page code builds a schema: zod 4 probes `new Function("")` to compile fast
// parsers, which our CSP (no 'unsafe-eval') blocks and reports as a violation on every page
// that parses. The interpreted parsers give the same answers.
z.config({ jitless: true });
