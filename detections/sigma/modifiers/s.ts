import { regexFlag } from './re.js';

export const s = regexFlag('s', 's', ". matches a line break too (sub-modifier of 're')");
