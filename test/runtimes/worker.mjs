// Entry of the smoke program as a module Worker (workerd, no nodejs_compat): bundled
// with the package's browser build. Options come as JSON in the request body, the
// results go back as the JSON response.
import { runSmoke } from "./smoke.mjs";

export default {
  async fetch(request) {
    const results = await runSmoke(await request.json());
    return Response.json(results);
  },
};
