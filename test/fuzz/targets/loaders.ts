import { ConfigError, parseConfig } from '../../../cli/config/schema.js';
import { loadCorrelationText } from '../../../detections/correlation/index.js';
import { loadRuleText } from '../../../detections/sigma/load.js';
import { parsePlaybook } from '../../../playbooks/load.js';
import type { FuzzTarget, Verdict } from '../target.js';

/** What an analyst or operator writes, read by the loaders that refuse bad files with located problems. */
export const LOADER_TARGETS: readonly FuzzTarget[] = [
  {
    name: 'sigma-rule',
    samples: 'sigma',
    testCount: 1500,
    run: (raw): Verdict => {
      const r = loadRuleText(raw.toString('utf8'), 'fuzz.yml');
      return { loaded: r.rule !== undefined || r.filter !== undefined, problems: r.errors };
    },
  },
  {
    name: 'correlation',
    samples: 'correlation',
    testCount: 1000,
    run: (raw): Verdict => {
      const r = loadCorrelationText(raw.toString('utf8'), 'fuzz.yml');
      return { loaded: r.correlations.length > 0 || r.rules.length > 0, problems: r.errors };
    },
  },
  {
    name: 'playbook',
    samples: 'playbook',
    testCount: 1000,
    run: (raw): Verdict => {
      const r = parsePlaybook(raw.toString('utf8'), 'fuzz.yml');
      return { loaded: r.playbook !== undefined, problems: r.problems };
    },
  },
  {
    name: 'config',
    samples: 'config',
    testCount: 500,
    run: (raw): Verdict => {
      try {
        parseConfig(raw.toString('utf8'), 'fuzz.yaml', { FUZZ_SECRET: 'a-long-enough-fuzz-secret-value' });
        return { loaded: true, problems: [] };
      } catch (err) {
        if (err instanceof ConfigError) return { loaded: false, problems: err.problems };
        throw err;
      }
    },
  },
];
