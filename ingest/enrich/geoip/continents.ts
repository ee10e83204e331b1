/**
 * The continent of each ISO 3166-1 country, for databases that give only a country code
 * (ip-location-db's). Codes and names are GeoIP2's, as Elastic's geoip processor writes them
 * (`continent_code`, `continent_name`); transcontinental countries are where GeoIP2 puts them
 * (RU, TR, CY, AM, AZ, GE and KZ: Europe or Asia as GeoIP2 has them).
 */
const BY_CONTINENT: Record<string, string> = {
  AF: 'AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW',
  AN: 'AQ BV GS HM TF',
  AS: 'AE AF AM AZ BD BH BN BT CC CN CX CY GE HK ID IL IN IO IQ IR JO JP KG KH KP KR KW KZ LA LB LK MM MN MO MV MY NP OM PH PK PS QA SA SG SY TH TJ TL TM TR TW UZ VN YE',
  EU: 'AD AL AT AX BA BE BG BY CH CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA XK',
  NA: 'AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM KN KY LC MF MQ MS MX NI PA PM PR SV SX TC TT US VC VG VI',
  OC: 'AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS',
  SA: 'AR BO BR CL CO EC FK GF GY PE PY SR UY VE',
};

const NAMES: Record<string, string> = {
  AF: 'Africa',
  AN: 'Antarctica',
  AS: 'Asia',
  EU: 'Europe',
  NA: 'North America',
  OC: 'Oceania',
  SA: 'South America',
};

const CONTINENT_OF = new Map<string, string>(
  Object.entries(BY_CONTINENT).flatMap(([continent, countries]) => countries.split(' ').map((c) => [c, continent] as const)),
);

export function continentOf(countryIsoCode: string): { code: string; name: string } | undefined {
  const code = CONTINENT_OF.get(countryIsoCode);
  return code === undefined ? undefined : { code, name: NAMES[code]! };
}
