import { regexFlag } from './re.js';

export const i = regexFlag('i', 'i', "the regular expression ignores case (sub-modifier of 're')");
