import { resolve } from 'node:path';
import { RuleTester } from 'eslint';
import { describe, it } from 'vitest';
// @ts-expect-error the rule module is plain JavaScript (checked by // @ts-check, no declarations)
import architecture from '../../../eslint-rules/architecture.js';

RuleTester.describe = describe;
RuleTester.it = it;

/** The floors and outside folders of eslint.config.js, trimmed to what the cases use. */
const options = [{ floors: [['model'], ['storage'], ['runtime', 'sim'], ['cli']], outside: { workloads: ['cli'] } }];
const at = (path: string) => resolve(process.cwd(), 'src', path);
const tester = new RuleTester({ languageOptions: { ecmaVersion: 2022, sourceType: 'module' } });

tester.run('architecture/layers', (architecture as { rules: { layers: never } }).rules.layers, {
  valid: [
    { filename: at('runtime/a.ts'), code: "import { x } from '../model/x.js';", options },
    { filename: at('runtime/a.ts'), code: "import { y } from './y.js';", options },
    { filename: at('cli/a.ts'), code: "import { w } from '../../workloads/index.js';", options },
  ],
  invalid: [
    { filename: at('model/a.ts'), code: "import { s } from '../storage/s.js';", options, errors: [{ message: 'Layers: src/model may import only nothing; not src/storage (docs/ARCHITECTURE.md, Layers).' }] },
    { filename: at('sim/a.ts'), code: "import { r } from '../runtime/r.js';", options, errors: [{ message: 'Layers: src/sim may import only model, storage; not src/runtime (docs/ARCHITECTURE.md, Layers).' }] },
    { filename: at('runtime/a.ts'), code: "export { w } from '../../workloads/index.js';", options, errors: [{ message: 'Layers: src/runtime may not import workloads/ (only src/cli may; docs/ARCHITECTURE.md, Layers).' }] },
    { filename: at('cli/a.ts'), code: "const b = import('../../bench/smoke.js');", options, errors: [{ message: 'Layers: src/cli may not import bench/ (no folder of src/ may; docs/ARCHITECTURE.md, Layers).' }] },
    { filename: at('runtime/a.ts'), code: "import { n } from '../nowhere/n.js';", options, errors: [{ message: 'src/nowhere is on no floor of the layer rule (eslint.config.js): place it there.' }] },
  ],
});
