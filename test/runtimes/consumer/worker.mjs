// The workerd side of the scenario: a module worker that imports the package as 'sinew-nn' (declared in
// the generated config.capnp from the package's `workerd` export condition) and answers
// GET /?build=<build> with the scenario's JSON result.
import * as sinew from 'sinew-nn';
import * as datasets from 'sinew-nn/datasets';
import { runScenario } from './scenario.mjs';

export default {
  async fetch(request) {
    const build = new URL(request.url).searchParams.get('build') ?? 'auto';
    try {
      return Response.json(await runScenario({ sinew, datasets }, { build }));
    } catch (error) {
      return new Response(String(error?.stack ?? error), { status: 500 });
    }
  },
};
