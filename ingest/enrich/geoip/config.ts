/**
 * `enrich.geoip` in vigil.yaml: which databases ingest looks addresses up in. Unset paths mean
 * the databases shipped as npm dependencies (see README.md beside this file for what they are
 * and their licences).
 */
import { array, boolean, number, object, string, type Infer } from '../../../core/config/dsl.js';

export const geoipSchema = object({
  description:
    'GeoIP and ASN enrichment at ingest: `geo` and `as` under source, destination, client and server, as Elastic’s geoip processor writes them.',
  fields: {
    enabled: boolean({ description: 'Look up the public addresses of every event bound for `vigil.events`.', default: true }),
    geo: string({
      description:
        'A MaxMind DB file (GeoIP2/GeoLite2 City or Country, or an ip-location-db country or city .mmdb), or `dbip-city`: DB-IP City Lite (CC BY 4.0) as scripts/ensure-geoip-city.sh installs it. Unset: the shipped country database (@ip-location-db/geo-whois-asn-country-mmdb).',
      minLength: 1,
      optional: true,
    }),
    asn: array({
      description:
        'ASN databases, each a MaxMind DB (GeoLite2-ASN form) or an ip-location-db ASN CSV; an address is looked up in each in turn. Unset: the shipped @ip-location-db/asn IPv4 and IPv6 CSVs.',
      items: string({ description: 'One database file.', minLength: 1 }),
      optional: true,
    }),
    cacheSize: number({
      description: 'Addresses whose results are kept (least recently used go first); 0 turns the cache off.',
      int: true,
      min: 0,
      default: 100_000,
    }),
  },
});

export type GeoipConfig = Infer<typeof geoipSchema>;
