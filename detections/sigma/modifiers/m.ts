import { regexFlag } from './re.js';

export const m = regexFlag('m', 'm', "^ and $ match at line breaks too (sub-modifier of 're')");
