export {
  MAX_YAML_LINE,
  firstLongLine,
  longLineMessage,
  parseYaml,
  parseYamlDocument,
  parseYamlDocuments,
  type LongLine,
  type YamlOptions,
} from './parse.js';
